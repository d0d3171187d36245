package io.sparksweep.core.trial;

import io.sparksweep.core.train.TrialRunner;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The frozen outcome of one trial, returned by {@link TrialRunner} and written as one leaderboard row
 * (plus one {@code epochs} row per entry of {@code history}). Final metrics are NaN when no epoch finished.
 *
 * @param trialId          the trial's content-derived id
 * @param status           how it ended
 * @param error            why it failed or diverged, or null
 * @param history          per-epoch metrics, in order
 * @param valAccuracy      validation accuracy after the last epoch
 * @param valLoss          validation loss after the last epoch
 * @param testAccuracy     test accuracy after the last epoch
 * @param testLoss         test loss after the last epoch
 * @param trainSeconds     training time over all epochs (evaluation excluded)
 * @param samplesPerSecond training samples per second over all epochs
 * @param startedAt        wall-clock start
 * @param finishedAt       wall-clock end
 * @param seed             the trial's seed
 * @param environment      where it ran
 */
public record TrialResult(String trialId, TrialStatus status, String error, List<EpochMetrics> history,
                          double valAccuracy, double valLoss, double testAccuracy, double testLoss,
                          double trainSeconds, double samplesPerSecond, Instant startedAt, Instant finishedAt,
                          long seed, RunEnvironment environment) implements java.io.Serializable {

    public TrialResult {
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        history = List.copyOf(history);
        if (status == TrialStatus.COMPLETED && error != null) {
            throw new IllegalArgumentException("a COMPLETED trial has no error, found: " + error);
        }
        if ((status == TrialStatus.FAILED || status == TrialStatus.DIVERGED) && (error == null || error.isBlank())) {
            throw new IllegalArgumentException("a " + status + " trial needs its error text");
        }
    }

    /** A trial that failed before training began (its data could not be read, its task was lost...). */
    public static TrialResult failedBeforeTraining(String trialId, long seed, String error, Instant at, RunEnvironment env) {
        return new TrialResult(trialId, TrialStatus.FAILED, error, List.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                0, Double.NaN, at, at, seed, env);
    }

    /** The value of a metric named as in the sweep file's objective. */
    public double metric(io.sparksweep.core.spec.Objective.Metric m) {
        return switch (m) {
            case VAL_ACCURACY -> valAccuracy;
            case VAL_LOSS -> valLoss;
            case TEST_ACCURACY -> testAccuracy;
            case TEST_LOSS -> testLoss;
        };
    }
}
