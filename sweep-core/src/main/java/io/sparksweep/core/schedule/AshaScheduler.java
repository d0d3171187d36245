package io.sparksweep.core.schedule;

import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Asynchronous successive halving, the variant of the paper (Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020, Algorithm 2) that pauses: every trial stops at each rung, and when a
 * slot frees the best paused trial in the top {@code floor(n / eta)} of the highest rung that has one (n:
 * the trials that reached that rung) is promoted to the next rung, from its checkpoint; when none is, a new
 * trial starts. A rung with fewer than eta results promotes nothing. Values rank by the sweep's objective at
 * the rung's epoch; a value that is not a number ranks last; ties go to the earlier suggestion.
 */
final class AshaScheduler implements Scheduler {

    private final List<Integer> rungs;
    private final int eta;
    private final Objective objective;

    AshaScheduler(List<Integer> rungs, int eta, Objective objective) {
        this.rungs = List.copyOf(rungs);
        this.eta = eta;
        this.objective = objective;
    }

    @Override
    public int firstStop() {
        return rungs.get(0);
    }

    /** The trials that reached rung {@code k}: trained at least its epochs (whatever they became after). */
    List<TrialRecord> reached(History history, int k) {
        int epochs = rungs.get(k);
        List<TrialRecord> out = new ArrayList<>();
        for (TrialRecord t : history.trials()) {
            if (t.epochsRun() >= epochs && t.curve().size() >= epochs) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public Optional<Promotion> promotion(History history) {
        for (int k = rungs.size() - 2; k >= 0; k--) {
            List<TrialRecord> rung = reached(history, k);
            int top = rung.size() / eta;
            if (top == 0) {
                continue;
            }
            rung.sort(Ranking.bestFirstAt(rungs.get(k), objective));
            for (TrialRecord t : rung.subList(0, top)) {
                // Waiting at this rung: not promoted yet (not further, not running a segment from it), not failed.
                if (t.status() == TrialStatus.PAUSED && t.epochsRun() == rungs.get(k)) {
                    return Optional.of(new Promotion(t.trialId(), rungs.get(k + 1)));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Verdict decide(TrialRecord trial, History history) {
        if (!trial.status().trained() || trial.epochsRun() >= rungs.get(rungs.size() - 1)) {
            return new Verdict(Decision.DONE, 0);
        }
        return new Verdict(Decision.PAUSE, 0);
    }

    @Override
    public List<Integer> rungs() {
        return rungs;
    }

    @Override
    public String describe(History history) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < rungs.size(); k++) {
            parts.add(String.format(Locale.ROOT, "%dep: %d", rungs.get(k), reached(history, k).size()));
        }
        return "rungs " + String.join(" | ", parts);
    }
}
