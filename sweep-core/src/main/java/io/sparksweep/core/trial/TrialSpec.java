package io.sparksweep.core.trial;

import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.spec.TrainingSpec;

import java.util.Objects;

/**
 * Everything one trial needs, planned on the driver and shipped to the executor that trains it
 * ({@link io.sparksweep.core.train.TrialRunner} is the next step).
 *
 * @param sweepName     the sweep it belongs to
 * @param trialId       derived from the content (sweep, seed, parameters, training, data), so reruns recognise it
 * @param index         the trial's position in the plan (0-based), for display only
 * @param sweepSeed     the sweep's seed; the validation split derives from it, so all trials share one split
 * @param seed          the trial's own seed (initialisation, shuffling, dropout), derived from the sweep seed and the trial
 * @param params        the hyperparameters
 * @param training      epochs and learning-rate schedule
 * @param dataset       what to train on
 * @param objective     the sweep's objective, so the executor can report it
 * @param sweepFileHash SHA-256 of the sweep file, stored on the row
 */
public record TrialSpec(String sweepName, String trialId, int index, long sweepSeed, long seed, TrialParams params,
                        TrainingSpec training, DatasetSpec dataset, Objective objective, String sweepFileHash) implements java.io.Serializable {

    public TrialSpec {
        Objects.requireNonNull(sweepName, "sweepName");
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(sweepFileHash, "sweepFileHash");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, found " + index);
        }
    }
}
