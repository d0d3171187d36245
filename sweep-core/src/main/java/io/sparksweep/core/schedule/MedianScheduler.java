package io.sparksweep.core.schedule;

import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The median stopping rule: after its grace epochs, a trial whose value after an epoch is worse than the
 * median of the other trials' values after that epoch stops; otherwise it trains one more epoch. Its
 * segments are the grace epochs first, then one epoch each; no trial waits.
 */
final class MedianScheduler implements Scheduler {

    private final int grace;
    private final int epochs;
    private final Objective objective;

    MedianScheduler(int grace, int epochs, Objective objective) {
        this.grace = grace;
        this.epochs = epochs;
        this.objective = objective;
    }

    @Override
    public int firstStop() {
        return grace;
    }

    @Override
    public Optional<Promotion> promotion(History history) {
        return Optional.empty();
    }

    @Override
    public Verdict decide(TrialRecord trial, History history) {
        int e = trial.epochsRun();
        if (!trial.status().trained() || e >= epochs) {
            return new Verdict(Decision.DONE, 0);
        }
        double mine = Ranking.valueAt(trial, e);
        List<Double> others = new ArrayList<>();
        for (TrialRecord t : history.trials()) {
            double v = Ranking.valueAt(t, e);
            if (!t.trialId().equals(trial.trialId()) && !Double.isNaN(v)) {
                others.add(v);
            }
        }
        if (others.isEmpty()) {
            return new Verdict(Decision.CONTINUE, e + 1);
        }
        others.sort(Double::compare);
        int n = others.size();
        double median = n % 2 == 1 ? others.get(n / 2) : 0.5 * (others.get(n / 2 - 1) + others.get(n / 2));
        boolean worse = Double.isNaN(mine) || objective.isBetter(median, mine);
        return worse ? new Verdict(Decision.STOP, 0) : new Verdict(Decision.CONTINUE, e + 1);
    }

    @Override
    public List<Integer> rungs() {
        return List.of();
    }

    @Override
    public String describe(History history) {
        long stopped = history.trials().stream().filter(t -> t.status() == io.sparksweep.core.trial.TrialStatus.STOPPED).count();
        return "median rule: " + stopped + " stopped";
    }
}
