package io.sparksweep.core.trial;

import java.util.List;
import java.util.Objects;

/**
 * One trial as the sweep's {@link History} knows it: what it tried, where it stands and what it
 * measured. Frozen; a trial that moves on gets a new record.
 *
 * @param trialId    its content-derived id
 * @param params     the hyperparameters
 * @param status     where it stands ({@link TrialStatus#RUNNING} while in flight)
 * @param objective  the sweep objective's value after its last epoch, or null (not trained, or not finite)
 * @param epochsRun  how many epochs it has trained
 * @param curve      the objective's value after each epoch trained, in order (NaN where not finite; empty when not known)
 * @param suggestion the order in which the sampler proposed it, 0-based
 */
public record TrialRecord(String trialId, TrialParams params, TrialStatus status, Double objective, int epochsRun, List<Double> curve,
                          int suggestion) {

    public TrialRecord {
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(status, "status");
        curve = List.copyOf(curve);
        if (epochsRun < 0 || (!curve.isEmpty() && curve.size() != epochsRun)) {
            throw new IllegalArgumentException("epochsRun " + epochsRun + " does not match a curve of " + curve.size() + " epochs");
        }
        if (objective != null && !Double.isFinite(objective)) {
            throw new IllegalArgumentException("objective must be finite or null, found " + objective);
        }
    }

    /** A trial just proposed and sent to an executor. */
    public static TrialRecord running(String trialId, TrialParams params, int suggestion) {
        return new TrialRecord(trialId, params, TrialStatus.RUNNING, null, 0, List.of(), suggestion);
    }
}
