package io.sparksweep.core.result;

import io.sparksweep.core.trial.EpochMetrics;

import java.util.List;

import static io.sparksweep.core.result.RowCodec.field;

/** One row of the {@code epochs} table: one trial, one epoch. */
public record EpochRow(String sweep, String trialId, EpochMetrics m) {

    public static final RowCodec<EpochRow> CODEC = new RowCodec<>(
            field("sweep", Column.Type.STRING, "sweep name (partition)", EpochRow::sweep),
            field("trial_id", Column.Type.STRING, "the trial", EpochRow::trialId),
            field("epoch", Column.Type.INT, "1-based epoch", r -> r.m().epoch()),
            field("learning_rate", Column.Type.DOUBLE, "rate used in this epoch", r -> r.m().learningRate()),
            field("train_loss", Column.Type.DOUBLE, "mean training loss", r -> r.m().trainLoss()),
            field("val_accuracy", Column.Type.DOUBLE, "validation accuracy after the epoch", r -> r.m().valAccuracy()),
            field("val_loss", Column.Type.DOUBLE, "validation cross-entropy", r -> r.m().valLoss()),
            field("test_accuracy", Column.Type.DOUBLE, "test accuracy after the epoch", r -> r.m().testAccuracy()),
            field("test_loss", Column.Type.DOUBLE, "test cross-entropy", r -> r.m().testLoss()),
            field("train_seconds", Column.Type.DOUBLE, "training seconds of the epoch", r -> r.m().trainSeconds()),
            field("samples_per_second", Column.Type.DOUBLE, "training samples per second", r -> r.m().samplesPerSecond()),
            field("finished_at", Column.Type.TIMESTAMP, "when the epoch's evaluation ended (null in rows written before it was recorded)",
                    r -> r.m().finishedAt()));

    public static final List<Column> COLUMNS = CODEC.columns();

    public List<Object> values() {
        return CODEC.values(this);
    }
}
