package io.sparksweep.core.search;

import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.Domain;
import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The tree-structured Parzen estimator, as Optuna's default {@code TPESampler} (univariate) proposes:
 * <ol>
 * <li>until {@code startup_trials} trials have finished, the next random draw ({@link RandomSampler});</li>
 * <li>then the best gamma(n) = min(ceil(n / 10), 25) of the n trained trials form the good group, the rest
 *     the other one: completed trials rank by the objective, stopped ones after them by how far they got
 *     and then by their last value (as do paused ones, and those resuming from a rung); failed and diverged
 *     trials, and new ones in flight (Optuna's constant liar, so that two slots freed at once get different
 *     trials), always join the other group;</li>
 * <li>for each varied dimension, {@code candidates} points drawn from the good group's density l(x), of
 *     which the one with the largest log l(x) - log g(x) wins ({@link ParzenEstimator}).</li>
 * </ol>
 * A proposal the history already holds is drawn again; after a few tries, the next unused random draw
 * is taken. Draws are seeded by the sweep seed and the suggestion number, so the same history always gets
 * the same suggestion.
 */
final class TpeSampler implements Sampler {

    private static final int REDRAWS = 16;

    private final SearchSpace space;
    private final Objective objective;
    private final SearchSpec.Tpe settings;
    private final long seed;
    private final int total;
    private final RandomSampler startup;
    private final RandomSampler fallback;

    TpeSampler(SearchSpace space, Objective objective, SearchSpec.Tpe settings, long seed, int total) {
        this.space = space;
        this.objective = objective;
        this.settings = settings;
        this.seed = seed;
        this.total = total;
        this.startup = new RandomSampler(space, seed, total);
        this.fallback = new RandomSampler(space, seed, Integer.MAX_VALUE);
    }

    @Override
    public Optional<Suggestion> suggest(History history) {
        if (history.size() >= total) {
            return Optional.empty();
        }
        int number = history.nextSuggestion();
        List<TrialRecord> finished = history.finished();
        if (finished.size() < settings.startupTrials() || space.varied().isEmpty()) {
            return startup.suggest(history).or(() -> fallback.suggest(history)).map(s -> new Suggestion(s.params(), number));
        }
        Split split = split(history);
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + number);
        for (int attempt = 0; attempt < REDRAWS; attempt++) {
            TrialParams p = propose(split, rng);
            if (!history.contains(p)) {
                return Optional.of(new Suggestion(p, number));
            }
        }
        return fallback.suggest(history).map(s -> new Suggestion(s.params(), number));
    }

    /** The good and the other trials, each in suggestion order (older first, as the weights expect). */
    record Split(List<TrialRecord> below, List<TrialRecord> above) {
    }

    Split split(History history) {
        double sign = objective.direction() == Objective.Direction.MINIMIZE ? 1 : -1;
        List<TrialRecord> ranked = new ArrayList<>();
        for (TrialRecord t : history.trials()) {
            // Trials in flight count as bad (the constant liar), but for those resuming from a rung: what they reached, they reached.
            boolean known = t.status().trained() || (t.status() == TrialStatus.RUNNING && t.epochsRun() > 0);
            if (known && t.objective() != null) {
                ranked.add(t);
            }
        }
        // Completed trials first, by value; then stopped and paused ones, the furthest first, then by their last value.
        ranked.sort(Comparator.comparingInt((TrialRecord t) -> t.status() == TrialStatus.COMPLETED ? 0 : 1)
                .thenComparingInt(t -> t.status() == TrialStatus.COMPLETED ? 0 : -t.epochsRun())
                .thenComparingDouble(t -> sign * t.objective()));
        int good = (int) Math.min(Math.ceil(0.1 * ranked.size()), 25);
        Set<String> below = new HashSet<>();
        ranked.subList(0, good).forEach(t -> below.add(t.trialId()));
        List<TrialRecord> l = new ArrayList<>();
        List<TrialRecord> g = new ArrayList<>();
        for (TrialRecord t : history.trials()) {
            (below.contains(t.trialId()) ? l : g).add(t);
        }
        return new Split(l, g);
    }

    private TrialParams propose(Split split, Random rng) {
        Map<Dimension, Object> chosen = new EnumMap<>(Dimension.class);
        for (Axis axis : space.varied()) {
            chosen.put(axis.dimension(), best(axis, split, rng));
        }
        return space.compose(chosen);
    }

    /** The winning value of one dimension: the candidate from l with the largest log l - log g. */
    private Object best(Axis axis, Split split, Random rng) {
        ParzenEstimator l = estimator(axis, split.below());
        ParzenEstimator g = estimator(axis, split.above());
        double[] candidates = l.sample(rng, settings.candidates());
        double bestScore = Double.NEGATIVE_INFINITY;
        double best = candidates[0];
        for (double x : candidates) {
            double score = l.logPdf(x) - g.logPdf(x);
            if (score > bestScore) {
                bestScore = score;
                best = x;
            }
        }
        return external(axis.domain(), best);
    }

    private ParzenEstimator estimator(Axis axis, List<TrialRecord> trials) {
        Domain d = axis.domain();
        List<Double> obs = new ArrayList<>();
        for (TrialRecord t : trials) {
            Double x = internal(d, SearchSpace.valueOf(t.params(), axis.dimension()));
            if (x != null) {
                obs.add(x);
            }
        }
        double[] o = obs.stream().mapToDouble(Double::doubleValue).toArray();
        if (d instanceof Domain.Choice c) {
            return ParzenEstimator.categorical(java.util.Arrays.stream(o).mapToInt(x -> (int) x).toArray(), c.values().size());
        }
        if (d instanceof Domain.Range r) {
            return r.log() ? ParzenEstimator.numerical(o, Math.log(r.min()), Math.log(r.max()), Double.NaN)
                    : ParzenEstimator.numerical(o, r.min(), r.max(), Double.NaN);
        }
        Domain.IntRange ir = (Domain.IntRange) d;
        return ParzenEstimator.numerical(o, ir.min() - 0.5, ir.max() + 0.5, 1.0);
    }

    /** A trial's value in the estimator's space, or null when it lies outside this dimension (an older file's choice). */
    private static Double internal(Domain d, Object value) {
        if (d instanceof Domain.Choice c) {
            int i = c.values().indexOf(value);
            return i < 0 ? null : (double) i;
        }
        double v = ((Number) value).doubleValue();
        if (d instanceof Domain.Range r && r.log()) {
            return v > 0 ? Math.log(v) : null;
        }
        return v;
    }

    private static Object external(Domain d, double x) {
        if (d instanceof Domain.Choice c) {
            return c.values().get((int) x);
        }
        if (d instanceof Domain.Range r) {
            double v = r.log() ? Math.exp(x) : x;
            return Math.min(r.max(), Math.max(r.min(), v));
        }
        Domain.IntRange ir = (Domain.IntRange) d;
        return (int) Math.min(ir.max(), Math.max(ir.min(), Math.rint(x)));
    }

    @Override
    public SearchSpec.Strategy strategy() {
        return SearchSpec.Strategy.TPE;
    }

    @Override
    public int total() {
        return total;
    }
}
