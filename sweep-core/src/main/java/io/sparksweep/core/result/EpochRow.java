package io.sparksweep.core.result;

import io.sparksweep.core.trial.EpochMetrics;

import java.util.Arrays;
import java.util.List;

/** One row of the {@code epochs} table: one trial, one epoch. */
public record EpochRow(String sweep, String trialId, EpochMetrics m) {

    public static final List<Column> COLUMNS = List.of(
            new Column("sweep", Column.Type.STRING, "sweep name (partition)"),
            new Column("trial_id", Column.Type.STRING, "the trial"),
            new Column("epoch", Column.Type.INT, "1-based epoch"),
            new Column("learning_rate", Column.Type.DOUBLE, "rate used in this epoch"),
            new Column("train_loss", Column.Type.DOUBLE, "mean training loss"),
            new Column("val_accuracy", Column.Type.DOUBLE, "validation accuracy after the epoch"),
            new Column("val_loss", Column.Type.DOUBLE, "validation cross-entropy"),
            new Column("test_accuracy", Column.Type.DOUBLE, "test accuracy after the epoch"),
            new Column("test_loss", Column.Type.DOUBLE, "test cross-entropy"),
            new Column("train_seconds", Column.Type.DOUBLE, "training seconds of the epoch"),
            new Column("samples_per_second", Column.Type.DOUBLE, "training samples per second"));

    public List<Object> values() {
        return Arrays.asList(sweep, trialId, m.epoch(), m.learningRate(), m.trainLoss(), m.valAccuracy(), m.valLoss(),
                m.testAccuracy(), m.testLoss(), m.trainSeconds(), m.samplesPerSecond());
    }
}
