package io.sparksweep.core.schedule;

import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.Normalization;
import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.spec.TrainingSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialIds;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedulers' decisions from reported values alone, no training (as Optuna tests its pruners). */
class SchedulerTest {

    static final Objective MAX = new Objective(Objective.Metric.VAL_ACCURACY, Objective.Direction.MAXIMIZE);
    static final Objective MIN = new Objective(Objective.Metric.VAL_LOSS, Objective.Direction.MINIMIZE);
    static final TrialIds IDS = new TrialIds("s", 1, new TrainingSpec(9, new LrSchedule.Constant(), 256),
            new DatasetSpec("d", "x", 0.1, Normalization.TUTORIAL, 0, 0));

    /** Trial {@code n} (its id "t{n}"), paused or running or done after {@code curve}'s epochs. */
    static TrialRecord trial(int n, TrialStatus status, double... curve) {
        List<Double> c = new ArrayList<>();
        for (double v : curve) {
            c.add(v);
        }
        TrialParams p = new TrialParams(Architecture.MLP, new OptimizerSpec.Sgd(), 0.001 * (n + 1), 64, 0, 0);
        return new TrialRecord("t" + n, p, status, curve.length == 0 || Double.isNaN(curve[curve.length - 1]) ? null : curve[curve.length - 1],
                curve.length, c, n);
    }

    static History history(Objective objective, TrialRecord... trials) {
        return History.of(IDS, objective, List.of(trials));
    }

    static AshaScheduler asha(Objective objective) {
        return new AshaScheduler(List.of(1, 3, 9), 3, objective);
    }

    @Test
    void asha_promotesTheBestPausedOfTheTopThird_bestFirst_andNoMore() {
        List<TrialRecord> rung0 = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rung0.add(trial(i, TrialStatus.PAUSED, 0.1 * (i + 1)));
        }
        History h = History.of(IDS, MAX, rung0);
        AshaScheduler s = asha(MAX);
        List<String> promoted = new ArrayList<>();
        for (Optional<Scheduler.Promotion> p = s.promotion(h); p.isPresent(); p = s.promotion(h)) {
            assertEquals(3, p.get().to());
            promoted.add(p.get().trialId());
            TrialRecord t = h.get(p.get().trialId());
            h = h.with(new TrialRecord(t.trialId(), t.params(), TrialStatus.RUNNING, t.objective(), t.epochsRun(), t.curve(), t.suggestion()));
        }
        assertEquals(List.of("t8", "t7", "t6"), promoted);
    }

    @Test
    void asha_aRungWithFewerThanEtaResults_promotesNothing() {
        assertTrue(asha(MAX).promotion(history(MAX, trial(0, TrialStatus.PAUSED, 0.9), trial(1, TrialStatus.PAUSED, 0.8))).isEmpty());
    }

    @Test
    void asha_minimize_promotesTheLowest() {
        History h = history(MIN, trial(0, TrialStatus.PAUSED, 0.9), trial(1, TrialStatus.PAUSED, 0.2), trial(2, TrialStatus.PAUSED, 0.5));
        assertEquals("t1", asha(MIN).promotion(h).orElseThrow().trialId());
    }

    @Test
    void asha_ties_goToTheEarlierSuggestion_andNaNRanksLast() {
        History tie = history(MAX, trial(3, TrialStatus.PAUSED, 0.5), trial(1, TrialStatus.PAUSED, 0.5), trial(2, TrialStatus.PAUSED, 0.1));
        assertEquals("t1", asha(MAX).promotion(tie).orElseThrow().trialId());
        History nan = history(MAX, trial(0, TrialStatus.PAUSED, Double.NaN), trial(1, TrialStatus.PAUSED, 0.1), trial(2, TrialStatus.PAUSED, 0.2));
        assertEquals("t2", asha(MAX).promotion(nan).orElseThrow().trialId());
        History nanMin = history(MIN, trial(0, TrialStatus.PAUSED, Double.NaN), trial(1, TrialStatus.PAUSED, 0.9), trial(2, TrialStatus.PAUSED, 0.8));
        assertEquals("t2", asha(MIN).promotion(nanMin).orElseThrow().trialId());
    }

    @Test
    void asha_theHighestRungThatHasOnePromotesFirst() {
        History h = history(MAX,
                trial(0, TrialStatus.PAUSED, 0.5, 0.6, 0.7), trial(1, TrialStatus.PAUSED, 0.5, 0.6, 0.65), trial(2, TrialStatus.PAUSED, 0.5, 0.6, 0.6),
                trial(3, TrialStatus.PAUSED, 0.9), trial(4, TrialStatus.PAUSED, 0.1), trial(5, TrialStatus.PAUSED, 0.2));
        Scheduler.Promotion p = asha(MAX).promotion(h).orElseThrow();
        assertEquals("t0", p.trialId());
        assertEquals(9, p.to());
    }

    @Test
    void asha_aRungThatFillsWhileAnotherPromotes() {
        // Rung 1 (3 epochs) holds two paused trials and a third is on its way from rung 0: rung 0 goes on promoting.
        History h = history(MAX,
                trial(0, TrialStatus.PAUSED, 0.5, 0.6, 0.7), trial(1, TrialStatus.PAUSED, 0.5, 0.6, 0.65),
                trial(2, TrialStatus.RUNNING, 0.9), trial(3, TrialStatus.PAUSED, 0.85), trial(4, TrialStatus.PAUSED, 0.1),
                trial(5, TrialStatus.PAUSED, 0.2), trial(6, TrialStatus.PAUSED, 0.3), trial(7, TrialStatus.PAUSED, 0.4),
                trial(8, TrialStatus.PAUSED, 0.45));
        assertEquals(new Scheduler.Promotion("t3", 3), asha(MAX).promotion(h).orElseThrow());
        // The third arrives at rung 1: now rung 1 promotes its best to the top rung.
        History arrived = h.with(trial(2, TrialStatus.PAUSED, 0.9, 0.8, 0.75));
        assertEquals(new Scheduler.Promotion("t2", 9), asha(MAX).promotion(arrived).orElseThrow());
    }

    @Test
    void asha_pausesBelowTheTop_isDoneAtTheTopOrWhenFailed() {
        AshaScheduler s = asha(MAX);
        History h = history(MAX);
        assertEquals(Scheduler.Decision.PAUSE, s.decide(trial(0, TrialStatus.PAUSED, 0.5), h).decision());
        assertEquals(Scheduler.Decision.DONE, s.decide(trial(0, TrialStatus.COMPLETED, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5), h).decision());
        assertEquals(Scheduler.Decision.DONE, s.decide(trial(0, TrialStatus.DIVERGED), h).decision());
        assertEquals(List.of(1, 3, 9), new io.sparksweep.core.spec.SchedulerSpec.Asha(1, 3).rungs(9));
        assertEquals(List.of(1, 3, 9, 10), new io.sparksweep.core.spec.SchedulerSpec.Asha(1, 3).rungs(10));
        assertEquals(List.of(2, 4, 5), new io.sparksweep.core.spec.SchedulerSpec.Asha(2, 2).rungs(5));
        assertEquals(1, s.rungOf(4));
        assertEquals(2, s.rungOf(9));
    }

    @Test
    void median_stopsBelowTheMedianOfTheOthersAtThatEpoch_inBothDirections() {
        MedianScheduler s = new MedianScheduler(1, 9, MAX);
        History h = history(MAX, trial(0, TrialStatus.PAUSED, 0.5), trial(1, TrialStatus.COMPLETED, 0.6, 0.7), trial(2, TrialStatus.PAUSED, 0.7));
        assertEquals(Scheduler.Decision.STOP, s.decide(trial(3, TrialStatus.PAUSED, 0.55), h).decision());
        Scheduler.Verdict on = s.decide(trial(3, TrialStatus.PAUSED, 0.65), h);
        assertEquals(Scheduler.Decision.CONTINUE, on.decision());
        assertEquals(2, on.nextStop());
        assertEquals(Scheduler.Decision.STOP, s.decide(trial(3, TrialStatus.PAUSED, Double.NaN), h).decision());
        assertEquals(Scheduler.Decision.CONTINUE, s.decide(trial(3, TrialStatus.PAUSED, 0.1), history(MAX)).decision(), "no one to compare with");
        MedianScheduler min = new MedianScheduler(1, 9, MIN);
        History losses = history(MIN, trial(0, TrialStatus.PAUSED, 0.5), trial(1, TrialStatus.PAUSED, 0.6), trial(2, TrialStatus.PAUSED, 0.7));
        assertEquals(Scheduler.Decision.CONTINUE, min.decide(trial(3, TrialStatus.PAUSED, 0.55), losses).decision());
        assertEquals(Scheduler.Decision.STOP, min.decide(trial(3, TrialStatus.PAUSED, 0.65), losses).decision());
        assertEquals(Scheduler.Decision.DONE, s.decide(trial(3, TrialStatus.COMPLETED, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), h).decision());
    }
}
