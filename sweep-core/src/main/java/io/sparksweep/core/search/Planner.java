package io.sparksweep.core.search;

import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The trials a grid or random sweep will run, in its sampler's order, before any result exists: what
 * {@code validate} lists and benchmarks take. A TPE sweep has no plan (each trial depends on the results
 * before it). The driver does not use this; it asks the {@link Sampler} trial by trial.
 */
public final class Planner {

    private Planner() {
    }

    /** Every trial of a grid or random sweep, in order (within budget.max_trials). */
    public static List<TrialSpec> plan(SweepSpec sweep) {
        return plan(sweep, Integer.MAX_VALUE);
    }

    /** The first {@code limit} trials of a grid or random sweep, in order. */
    public static List<TrialSpec> plan(SweepSpec sweep, int limit) {
        Sampler sampler = Sampler.of(sweep);
        if (!(sampler instanceof Sequence sequence)) {
            throw new IllegalArgumentException("sweep " + sweep.name() + ": a " + sampler.strategy().key()
                    + " search has no plan before its results; validate shows its space and budget");
        }
        List<TrialSpec> trials = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, sampler.total()); i++) {
            TrialParams p = sequence.at(i);
            if (p == null) {
                break;
            }
            trials.add(TrialSpec.of(sweep, p, i, new TrialSpec.Origin(sampler.strategy().key(), i, 0)));
        }
        return List.copyOf(trials);
    }

    /** Whether {@code sweep}'s trials are fixed before any result (grid, random). */
    public static boolean hasPlan(SweepSpec sweep) {
        return sweep.search().strategy() != SearchSpec.Strategy.TPE;
    }

    /** A sampler whose proposals are a fixed sequence, point {@code i} computable on its own. */
    interface Sequence {
        /** Point {@code i} of the sequence, or null past its end. */
        TrialParams at(int i);
    }
}
