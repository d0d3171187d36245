package io.sparksweep.core.schedule;

import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialRecord;

import java.util.List;
import java.util.Optional;

/** No scheduler: every trial trains all of its epochs in one segment. */
final class FifoScheduler implements Scheduler {

    private final int epochs;

    FifoScheduler(int epochs) {
        this.epochs = epochs;
    }

    @Override
    public int firstStop() {
        return epochs;
    }

    @Override
    public Optional<Promotion> promotion(History history) {
        return Optional.empty();
    }

    @Override
    public Verdict decide(TrialRecord trial, History history) {
        return new Verdict(Decision.DONE, 0);
    }

    @Override
    public List<Integer> rungs() {
        return List.of();
    }

    @Override
    public boolean segments() {
        return false;
    }

    @Override
    public String describe(History history) {
        return "";
    }
}
