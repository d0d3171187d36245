package io.sparksweep.core.trial;

import io.sparksweep.core.data.Sha256;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.spec.TrainingSpec;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Content-derived trial ids and seeds for one sweep: the same parameters under the same sweep name, seed,
 * training and data settings get the same id and seed in every run, so a rerun recognises work done.
 *
 * @param sweepName the sweep's name
 * @param sweepSeed the sweep's seed
 * @param training  how every trial trains
 * @param dataset   what every trial trains on
 */
public record TrialIds(String sweepName, long sweepSeed, TrainingSpec training, DatasetSpec dataset) implements java.io.Serializable {

    public TrialIds {
        Objects.requireNonNull(sweepName, "sweepName");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(dataset, "dataset");
    }

    public static TrialIds of(SweepSpec sweep) {
        return new TrialIds(sweep.name(), sweep.seed(), sweep.training(), sweep.dataset());
    }

    /** 16 hex digits of SHA-256 over everything that determines the trial's result. */
    public String id(TrialParams params) {
        String content = sweepName + "\n" + sweepSeed + "\n" + params.canonical() + "\n" + training.canonical() + "\n" + dataset.canonical();
        return HexFormat.of().formatHex(Sha256.of(content), 0, 8);
    }

    /** A seed mixed from the sweep seed and the trial's parameters (not its position, which changes with the plan). */
    public long seed(TrialParams params) {
        return ByteBuffer.wrap(Sha256.of(sweepSeed + "|" + params.canonical()), 0, 8).getLong() & Long.MAX_VALUE;
    }
}
