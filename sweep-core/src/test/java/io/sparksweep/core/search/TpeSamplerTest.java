package io.sparksweep.core.search;

import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TpeSamplerTest {

    private static final String SPACE = """
            search:
              strategy: %s
              trials: 60
              learning_rate: {min: 0.00001, max: 1.0, log: true}
              batch_size: {min: 16, max: 512}
              optimizer: [sgd, momentum, nesterov, adam, rmsprop]
            """;

    /**
     * A bowl over log learning rate (best at 0.003) and batch size (best at 100), plus one best optimizer;
     * 1 at the optimum.
     */
    static double bowl(TrialParams p) {
        double lr = Math.log10(p.learningRate()) - Math.log10(0.003);
        double batch = (p.batchSize() - 100) / 200.0;
        double opt = p.optimizer().type().equals("adam") ? 0 : 0.3;
        return 1 - 0.15 * lr * lr - batch * batch - opt;
    }

    private static double best(String strategy, long seed, String direction) {
        SweepSpec sweep = SweepFixtures.sweep("seed: " + seed + "\nobjective: {metric: val_accuracy, direction: " + direction + "}\n"
                + SPACE.formatted(strategy));
        boolean maximize = direction.equals("maximize");
        List<Double> values = SweepFixtures.run(Sampler.of(sweep), sweep, 60, p -> maximize ? bowl(p) : -bowl(p));
        assertEquals(60, values.size());
        return maximize ? Collections.max(values) : -Collections.min(values);
    }

    /** Over 20 seeds, TPE's best of 60 beats random search's (same seed, same first draws) in at least 15. */
    @Test
    void tpe_beatsRandomOnAKnownBowl_inBothDirections() {
        for (String direction : List.of("maximize", "minimize")) {
            int wins = 0;
            StringBuilder log = new StringBuilder();
            for (long seed = 1; seed <= 20; seed++) {
                double tpe = best("tpe", seed, direction);
                double random = best("random", seed, direction);
                wins += tpe > random ? 1 : 0;
                log.append(String.format("seed %d: tpe %.4f random %.4f%n", seed, tpe, random));
            }
            assertTrue(wins >= 15, direction + ": TPE beat random in " + wins + " of 20 seeds\n" + log);
        }
    }

    @Test
    void startupTrials_areTheRandomSearchDraws() {
        SweepSpec tpe = SweepFixtures.sweep("seed: 3\n" + SPACE.formatted("tpe"));
        SweepSpec random = SweepFixtures.sweep("seed: 3\n" + SPACE.formatted("random"));
        List<Double> a = SweepFixtures.run(Sampler.of(tpe), tpe, 10, TpeSamplerTest::bowl);
        List<Double> b = SweepFixtures.run(Sampler.of(random), random, 10, TpeSamplerTest::bowl);
        assertEquals(b, a);
    }

    /** Constant liar: trials in flight count as bad, so the next suggestion differs from both. */
    @Test
    void twoTrialsInFlight_theNextSuggestionDiffersFromBoth() {
        SweepSpec sweep = SweepFixtures.sweep("""
                search:
                  strategy: tpe
                  trials: 12
                  tpe: {startup_trials: 5}
                  learning_rate: [0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
                  optimizer: [sgd, momentum, adam]
                """);
        Sampler sampler = Sampler.of(sweep);
        History h = SweepFixtures.empty(sweep);
        for (int i = 0; i < 5; i++) {
            TrialParams p = sampler.suggest(h).orElseThrow().params();
            h = SweepFixtures.finished(h, p, TrialStatus.COMPLETED, p.learningRate() == 0.01 && p.optimizer().type().equals("adam") ? 0.9 : 0.1);
        }
        TrialParams first = sampler.suggest(h).orElseThrow().params();
        h = h.with(TrialRecord.running(h.ids().id(first), first, h.nextSuggestion()));
        TrialParams second = sampler.suggest(h).orElseThrow().params();
        h = h.with(TrialRecord.running(h.ids().id(second), second, h.nextSuggestion()));
        TrialParams third = sampler.suggest(h).orElseThrow().params();
        assertNotEquals(first, second);
        assertNotEquals(first, third);
        assertNotEquals(second, third);
    }

    @Test
    void split_ranksCompletedByValue_thenStoppedByEpochs_failedAndRunningAreBad() {
        SweepSpec sweep = SweepFixtures.sweep(SPACE.formatted("tpe"));
        TpeSampler tpe = (TpeSampler) Sampler.of(sweep);
        History h = SweepFixtures.empty(sweep);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 30; i++) {
            TrialParams p = new TrialParams(io.sparksweep.core.spec.Architecture.MLP, new io.sparksweep.core.spec.OptimizerSpec.Sgd(),
                    0.001 + i * 0.001, 16 + i, 0, 0);
            TrialStatus status = i < 20 ? TrialStatus.COMPLETED : i < 25 ? TrialStatus.FAILED : TrialStatus.STOPPED;
            h = h.with(new TrialRecord(h.ids().id(p), p, status, status.trained() ? (double) i : null, status == TrialStatus.STOPPED ? 2 : 5,
                    List.of(), h.nextSuggestion()));
        }
        TpeSampler.Split split = tpe.split(h);
        // 25 trained (20 completed, 5 stopped): gamma = ceil(2.5) = 3, the three best completed ones (values 19, 18, 17).
        assertEquals(List.of(17.0, 18.0, 19.0), split.below().stream().map(TrialRecord::objective).toList());
        assertEquals(27, split.above().size());
        assertTrue(split.above().stream().anyMatch(t -> t.status() == TrialStatus.FAILED));
    }
}
