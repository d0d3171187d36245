package io.sparksweep.core.schedule;

import io.sparksweep.core.spec.SchedulerSpec;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialRecord;

import java.util.List;
import java.util.Optional;

/**
 * How far each trial trains, decided segment by segment: the {@link io.sparksweep.core.search.Sampler}
 * says which new trial to start, a scheduler says where its first segment ends, what becomes of a trial
 * when a segment ends, and which paused trial to take further when a slot frees. A pure function of the
 * sweep's {@link History} (its records carry each trial's value after every epoch), so that the driver
 * rebuilds it from the leaderboard and epochs tables after a crash and goes on.
 */
public interface Scheduler {

    /** What becomes of a trial whose segment just ended. */
    enum Decision {
        /** Train on at once, to {@link Verdict#nextStop}. */
        CONTINUE,
        /** Wait at its rung, checkpoint kept, until promoted (or the sweep ends: then STOPPED). */
        PAUSE,
        /** Train no further: it ends STOPPED. */
        STOP,
        /** Nothing more to do: it trained all of its epochs, or failed. */
        DONE
    }

    /** A decision, and the epoch the next segment trains to when it is CONTINUE. */
    record Verdict(Decision decision, int nextStop) {
    }

    /** A paused trial to take further, and the epoch its next segment trains to. */
    record Promotion(String trialId, int to) {
    }

    /** The epoch a new trial's first segment trains to. */
    int firstStop();

    /** The paused trial that should go on now (successive halving's promotion), or empty. */
    Optional<Promotion> promotion(History history);

    /** What becomes of {@code trial}, whose record in {@code history} already holds the segment's epochs. */
    Verdict decide(TrialRecord trial, History history);

    /** The rungs in epochs (successive halving), or empty: for rows, progress and {@code validate}. */
    List<Integer> rungs();

    /** The highest rung a trial of {@code epochsRun} epochs has reached (0-based), or null without rungs. */
    default Integer rungOf(int epochsRun) {
        List<Integer> r = rungs();
        Integer at = null;
        for (int k = 0; k < r.size(); k++) {
            if (epochsRun >= r.get(k)) {
                at = k;
            }
        }
        return at;
    }

    /** Whether a trial's segments keep checkpoints between them. */
    default boolean segments() {
        return true;
    }

    /** The progress line's part for this scheduler, such as {@code rungs 1ep: 27 | 3ep: 9 | 9ep: 3}; empty without. */
    String describe(History history);

    static Scheduler of(SweepSpec sweep) {
        int epochs = sweep.training().epochs();
        SchedulerSpec s = sweep.scheduler();
        if (s instanceof SchedulerSpec.Asha a) {
            return new AshaScheduler(a.rungs(epochs), a.reductionFactor(), sweep.objective());
        }
        if (s instanceof SchedulerSpec.Median m) {
            return new MedianScheduler(m.graceEpochs(), epochs, sweep.objective());
        }
        return new FifoScheduler(epochs);
    }
}
