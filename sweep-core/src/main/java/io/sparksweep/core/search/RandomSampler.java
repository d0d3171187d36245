package io.sparksweep.core.search;

import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialParams;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The first {@code trials} distinct draws of Arbiter's random generator seeded by the sweep seed, in the
 * order drawn: the same seed gives the same trials, and raising the count adds draws after them. Ranges
 * are drawn uniformly (log-uniformly when {@code log}), choices with equal chances.
 */
final class RandomSampler implements Sampler, Planner.Sequence {

    /** Draws per wanted trial before the space counts as exhausted (only a finite space repeats itself). */
    private static final int DRAWS_PER_TRIAL = 20;

    private final SearchSpace space;
    private final long seed;
    private final int total;
    private RandomSearchGenerator generator;
    private long draws;
    private final List<TrialParams> distinct = new ArrayList<>();
    private final Set<TrialParams> seen = new HashSet<>();
    private final List<String> ids = new ArrayList<>();

    RandomSampler(SearchSpace space, long seed, int total) {
        this.space = space;
        this.seed = seed;
        this.total = total;
    }

    @Override
    public Optional<Suggestion> suggest(History history) {
        for (int i = 0; i < total; i++) {
            TrialParams p = draw(i);
            if (p == null) {
                return Optional.empty();
            }
            if (ids.size() <= i) {
                ids.add(history.ids().id(p));
            }
            if (!history.contains(ids.get(i))) {
                return Optional.of(new Suggestion(p, i));
            }
        }
        return Optional.empty();
    }

    @Override
    public TrialParams at(int i) {
        return i < total ? draw(i) : null;
    }

    /** The {@code i}-th distinct draw, or null when the space holds fewer. */
    TrialParams draw(int i) {
        if (space.varied().isEmpty()) {
            return i == 0 ? space.compose(java.util.Map.of()) : null;
        }
        if (generator == null) {
            generator = new RandomSearchGenerator(new TrialSpace(space), null);
            generator.setRngSeed(seed);
        }
        long maxDraws = Math.max(1_000, (long) DRAWS_PER_TRIAL * (i + 1));
        while (distinct.size() <= i && draws < maxDraws && generator.hasMoreCandidates()) {
            Candidate<?> c = generator.getCandidate();
            draws++;
            if (c.getException() != null || c.getValue() == null) {
                throw new IllegalStateException("Arbiter could not build random candidate " + c.getIndex(), c.getException());
            }
            TrialParams p = (TrialParams) c.getValue();
            if (seen.add(p)) {
                distinct.add(p);
            }
        }
        return i < distinct.size() ? distinct.get(i) : null;
    }

    @Override
    public SearchSpec.Strategy strategy() {
        return SearchSpec.Strategy.RANDOM;
    }

    @Override
    public int total() {
        return total;
    }
}
