package io.sparksweep.core.search;

import io.sparksweep.core.trial.TrialIds;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialSpec;

import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.spec.SweepSpec;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link SweepSpec} into the ordered list of {@link TrialSpec}s to run, with Arbiter's grid or
 * random candidate generator over a {@link TrialSpace}. A grid enumerates in the order the file
 * declares its axes (the first axis outermost); random search is seeded by the sweep seed and never
 * plans the same trial twice. {@code budget.max_trials} cuts the list.
 */
public final class Planner {

    /** Random search stops looking for new points after this many draws per requested trial. */
    private static final int RANDOM_DRAWS_PER_TRIAL = 20;

    private Planner() {
    }

    public static List<TrialSpec> plan(SweepSpec sweep) {
        SearchSpec search = sweep.search();
        boolean grid = search.strategy() == SearchSpec.Strategy.GRID;
        TrialSpace space = new TrialSpace(search, grid);
        int wanted = grid ? Integer.MAX_VALUE : search.trials();
        if (sweep.budget().maxTrials() > 0) {
            wanted = Math.min(wanted, sweep.budget().maxTrials());
        }

        Set<TrialParams> points = new LinkedHashSet<>();
        if (space.numParameters() == 0) {
            points.add(space.getValue(new double[0]));
        } else {
            CandidateGenerator generator = grid
                    ? new GridSearchCandidateGenerator(space, 2, GridSearchCandidateGenerator.Mode.Sequential, null)
                    : seeded(new RandomSearchGenerator(space, null), sweep.seed());
            long draws = 0;
            long maxDraws = grid ? Long.MAX_VALUE : (long) wanted * RANDOM_DRAWS_PER_TRIAL;
            while (points.size() < wanted && draws < maxDraws && generator.hasMoreCandidates()) {
                Candidate<?> candidate = generator.getCandidate();
                if (candidate.getException() != null || candidate.getValue() == null) {
                    throw new IllegalStateException("sweep " + sweep.name() + ": Arbiter could not build candidate "
                            + candidate.getIndex() + " of the search space", candidate.getException());
                }
                points.add((TrialParams) candidate.getValue());
                draws++;
            }
        }

        List<TrialSpec> trials = new ArrayList<>(points.size());
        for (TrialParams p : points) {
            String id = TrialIds.id(sweep.name(), sweep.seed(), p, sweep.training(), sweep.dataset());
            trials.add(new TrialSpec(sweep.name(), id, trials.size(), sweep.seed(), TrialIds.seed(sweep.seed(), p), p,
                    sweep.training(), sweep.dataset(), sweep.objective(), sweep.fileSha256()));
        }
        return List.copyOf(trials);
    }

    private static RandomSearchGenerator seeded(RandomSearchGenerator generator, long seed) {
        generator.setRngSeed(seed);
        return generator;
    }
}
