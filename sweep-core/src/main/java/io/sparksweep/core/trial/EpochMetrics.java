package io.sparksweep.core.trial;

/**
 * What one epoch of one trial measured: a row of the {@code epochs} table.
 *
 * @param epoch            1-based
 * @param learningRate     the rate used in this epoch
 * @param trainLoss        mean training loss over the epoch's batches
 * @param valAccuracy      accuracy on the validation split after the epoch
 * @param valLoss          mean cross-entropy on the validation split
 * @param testAccuracy     accuracy on the test set after the epoch
 * @param testLoss         mean cross-entropy on the test set
 * @param trainSeconds     seconds spent training (evaluation excluded)
 * @param samplesPerSecond training samples per second
 * @param finishedAt       when the epoch's evaluation ended; null in rows from before it was recorded
 */
public record EpochMetrics(int epoch, double learningRate, double trainLoss, double valAccuracy, double valLoss,
                           double testAccuracy, double testLoss, double trainSeconds, double samplesPerSecond,
                           java.time.Instant finishedAt) implements java.io.Serializable {
    public EpochMetrics {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, found " + epoch);
        }
    }

    /** The value of a metric named as in the sweep file's objective, after this epoch. */
    public double metric(io.sparksweep.core.spec.Objective.Metric m) {
        return switch (m) {
            case VAL_ACCURACY -> valAccuracy;
            case VAL_LOSS -> valLoss;
            case TEST_ACCURACY -> testAccuracy;
            case TEST_LOSS -> testLoss;
        };
    }
}
