package io.sparksweep.core.search;

import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialParams;

import java.util.Optional;

/**
 * Which trial to run next. The driver asks whenever a slot frees, with the sweep's {@link History}
 * (its trials with rows and those in flight); a sampler answers from that history alone, so the same
 * history gets the same suggestion, and a rerun after a crash goes on where the rows left off. A
 * suggestion is never a trial the history already holds. Not thread-safe: one driver thread asks.
 */
public interface Sampler {

    /**
     * A proposed trial.
     *
     * @param params the hyperparameters
     * @param index  its position in the sampler's own sequence: the grid point, the random draw, the TPE suggestion
     */
    record Suggestion(TrialParams params, int index) {
    }

    /** The next trial, or empty when the sampler has proposed all it will (its space or its trial count is used up). */
    Optional<Suggestion> suggest(History history);

    SearchSpec.Strategy strategy();

    /** How many trials the sweep holds when this sampler is done: the grid's points, or the trial count, within budget.max_trials. */
    int total();

    /** The sampler of {@code sweep}'s {@code search.strategy}. */
    static Sampler of(SweepSpec sweep) {
        int maxTrials = sweep.budget().maxTrials() > 0 ? sweep.budget().maxTrials() : Integer.MAX_VALUE;
        SearchSpace space = new SearchSpace(sweep.search());
        return switch (sweep.search().strategy()) {
            case GRID -> new GridSampler(space, maxTrials);
            case RANDOM -> new RandomSampler(space, sweep.seed(), Math.min(sweep.search().trials(), maxTrials));
            case TPE -> new TpeSampler(space, sweep.objective(), sweep.search().tpe(), sweep.seed(),
                    Math.min(sweep.search().trials(), maxTrials));
        };
    }
}
