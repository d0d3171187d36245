package io.sparksweep.core.trial;

import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.spec.TrainingSpec;

import java.util.Objects;

/**
 * Everything one trial needs, decided on the driver (its parameters come from a
 * {@link io.sparksweep.core.search.Sampler}) and shipped to the executor that trains it
 * ({@link io.sparksweep.core.train.TrialRunner} is the next step).
 *
 * @param sweepName     the sweep it belongs to
 * @param trialId       derived from the content (sweep, seed, parameters, training, data), so reruns recognise it
 * @param index         the trial's position in its sampler's sequence (the grid point, the random draw), 0-based
 * @param sweepSeed     the sweep's seed; the validation split derives from it, so all trials share one split
 * @param seed          the trial's own seed (initialisation, shuffling, dropout), derived from the sweep seed and the trial
 * @param params        the hyperparameters
 * @param training      epochs and learning-rate schedule
 * @param dataset       what to train on
 * @param objective     the sweep's objective, so the executor can report it
 * @param sweepFileHash SHA-256 of the sweep file, stored on the row
 * @param origin        which sampler proposed it, when, and after how many finished trials
 */
public record TrialSpec(String sweepName, String trialId, int index, long sweepSeed, long seed, TrialParams params,
                        TrainingSpec training, DatasetSpec dataset, Objective objective, String sweepFileHash,
                        Origin origin) implements java.io.Serializable {

    /**
     * How a trial came to be proposed, stored on its row so that a suggestion can be explained.
     *
     * @param strategy    the sampler's strategy ({@code grid}, {@code random}, {@code tpe})
     * @param suggestion  the order in which the sampler proposed it within the sweep, 0-based, across reruns
     * @param historySize how many finished trials the sampler had seen when it proposed it
     */
    public record Origin(String strategy, int suggestion, int historySize) implements java.io.Serializable {
        public Origin {
            Objects.requireNonNull(strategy, "strategy");
            if (suggestion < 0 || historySize < 0) {
                throw new IllegalArgumentException("suggestion and historySize must be >= 0, found " + suggestion + " and " + historySize);
            }
        }
    }

    public TrialSpec {
        Objects.requireNonNull(sweepName, "sweepName");
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(sweepFileHash, "sweepFileHash");
        Objects.requireNonNull(origin, "origin");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, found " + index);
        }
    }

    /** The trial of {@code sweep} with these parameters, its id and seed derived from their content. */
    public static TrialSpec of(SweepSpec sweep, TrialParams params, int index, Origin origin) {
        TrialIds ids = TrialIds.of(sweep);
        return new TrialSpec(sweep.name(), ids.id(params), index, sweep.seed(), ids.seed(params), params, sweep.training(),
                sweep.dataset(), sweep.objective(), sweep.fileSha256(), origin);
    }
}
