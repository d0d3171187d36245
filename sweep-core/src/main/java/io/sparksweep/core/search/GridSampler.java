package io.sparksweep.core.search;

import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialParams;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every combination of the declared values, in the file's order: the first axis outermost, the last
 * fastest, as nested for-loops or {@code itertools.product} run. Point {@code i} is computed from its
 * index, so a grid far larger than memory is planned lazily, its first {@code budget.max_trials} points
 * in order. Arbiter's grid generator lists every index up front (and refuses more than 2^31), so the
 * enumeration is ours; the values per axis are the sweep file's.
 */
final class GridSampler implements Sampler, Planner.Sequence {

    private final SearchSpace space;
    private final List<Axis> axes;
    private final List<List<Object>> values = new ArrayList<>();
    private final int total;
    /** Trial ids of the points visited so far, by index (computed once each). */
    private final List<String> ids = new ArrayList<>();

    GridSampler(SearchSpace space, int maxTrials) {
        this.space = space;
        this.axes = space.varied();
        long size = 1;
        for (Axis a : axes) {
            List<Object> v = a.domain().gridValues();
            values.add(v);
            size = size > Integer.MAX_VALUE ? size : size * v.size();
        }
        this.total = (int) Math.min(size, maxTrials);
    }

    @Override
    public Optional<Suggestion> suggest(History history) {
        for (int i = 0; i < total; i++) {
            if (ids.size() <= i) {
                ids.add(history.ids().id(point(i)));
            }
            if (!history.contains(ids.get(i))) {
                return Optional.of(new Suggestion(point(i), i));
            }
        }
        return Optional.empty();
    }

    @Override
    public TrialParams at(int i) {
        return i < total ? point(i) : null;
    }

    /** Grid point {@code index}: its digits in the axes' radices, the last axis the least significant. */
    TrialParams point(long index) {
        Map<Dimension, Object> chosen = new EnumMap<>(Dimension.class);
        long rest = index;
        for (int a = axes.size() - 1; a >= 0; a--) {
            List<Object> v = values.get(a);
            chosen.put(axes.get(a).dimension(), v.get((int) (rest % v.size())));
            rest /= v.size();
        }
        return space.compose(chosen);
    }

    @Override
    public SearchSpec.Strategy strategy() {
        return SearchSpec.Strategy.GRID;
    }

    @Override
    public int total() {
        return total;
    }
}
