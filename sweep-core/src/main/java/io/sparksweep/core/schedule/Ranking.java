package io.sparksweep.core.schedule;

import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.trial.TrialRecord;

import java.util.Comparator;

/** Trials ordered by their value after a given epoch: best first, values that are not numbers last, ties by suggestion. */
final class Ranking {

    private Ranking() {
    }

    /** The trial's value after {@code epoch} (1-based), NaN when it has none. */
    static double valueAt(TrialRecord t, int epoch) {
        return t.curve().size() >= epoch ? t.curve().get(epoch - 1) : Double.NaN;
    }

    static Comparator<TrialRecord> bestFirstAt(int epoch, Objective objective) {
        double sign = objective.direction() == Objective.Direction.MAXIMIZE ? -1 : 1;
        return Comparator.comparingDouble((TrialRecord t) -> {
            double v = valueAt(t, epoch);
            return Double.isNaN(v) ? Double.POSITIVE_INFINITY : sign * v;
        }).thenComparingInt(TrialRecord::suggestion).thenComparing(TrialRecord::trialId);
    }
}
