package io.sparksweep.core.schedule;

import io.sparksweep.core.spec.SweepSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Successive halving and the median rule replayed over a real grid's recorded learning curves (the tutorial's
 * space on a 12,000-image slice, 9 epochs; bench/record_replay.py wrote them): with random search or TPE
 * proposing the trials, they reach the grid's best, or within half a point of it, for a fraction of the
 * grid's epochs.
 */
class ReplayTest {

    static Replay replay;
    static Replay.Outcome grid;

    static final String SPACE = """
            strategy: %s
            trials: %d
            architecture: [mlp, deep_mlp, cnn]
            optimizer: [sgd, {type: momentum, momentum: 0.9}, adam]
            learning_rate: [0.003, 0.03, 0.3]
            batch_size: [64]
            """;

    @BeforeAll
    static void load() throws IOException {
        replay = new Replay("tutorial-12k");
        grid = replay.grid();
        assertEquals(27, grid.trials(), "the recorded grid");
    }

    private static Replay.Outcome run(String strategy, int trials, String scheduler) {
        SweepSpec sweep = replay.sweep(SPACE.formatted(strategy, trials), scheduler);
        Replay.Outcome o = replay.run(sweep, 2);
        System.out.printf(Locale.ROOT, "%s %d trials, %s: best %.4f (%s), %d of the grid's %d epochs, %.0f of its %.0f s%n", strategy, trials,
                scheduler, o.best(), o.bestKey(), o.epochs(), grid.epochs(), o.seconds(), grid.seconds());
        return o;
    }

    @Test
    void asha_withRandomOrTpe_reachesTheGridsBest_forAFractionOfItsEpochs() {
        for (String strategy : new String[]{"random", "tpe"}) {
            Replay.Outcome o = run(strategy, 27, "{type: asha, min_epochs: 1, reduction_factor: 3}");
            assertTrue(o.best() >= grid.best() - 0.005, strategy + ": best " + o.best() + " against the grid's " + grid.best());
            assertTrue(o.epochs() * 2 <= grid.epochs(), strategy + ": " + o.epochs() + " epochs against the grid's " + grid.epochs());
        }
    }

    @Test
    void medianRule_reachesTheGridsBest_forFewerEpochs() {
        Replay.Outcome o = run("random", 27, "{type: median, grace_epochs: 1}");
        assertTrue(o.best() >= grid.best() - 0.005, "best " + o.best() + " against the grid's " + grid.best());
        assertTrue(o.epochs() < grid.epochs(), o.epochs() + " epochs against the grid's " + grid.epochs());
    }

    @Test
    void withoutAScheduler_theReplayIsTheGrid() {
        Replay.Outcome o = run("random", 27, "{type: none}");
        assertEquals(grid.epochs(), o.epochs());
        assertEquals(grid.best(), o.best(), 1e-12);
    }
}
