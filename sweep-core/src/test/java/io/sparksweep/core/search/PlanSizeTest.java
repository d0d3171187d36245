package io.sparksweep.core.search;

import io.sparksweep.core.spec.SweepFileException;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plans are counted before anything is enumerated: too large is an error naming the count; large within a budget is lazy. */
class PlanSizeTest {

    /** 1,000 x 1,000 x 10 = ten million grid points. */
    private static final String TEN_MILLION = """
              learning_rate: {min: 0.0001, max: 0.1, grid_points: 1000}
              batch_size: {min: 1, max: 100000, grid_points: 1000}
              dropout: {min: 0.0, max: 0.5, grid_points: 10, log: false}
            """;

    @Test
    void gridOfTenMillion_withoutABudget_isAnErrorNamingTheCount() {
        String m = assertThrows(SweepFileException.class, () -> SweepFixtures.sweep("search:\n" + TEN_MILLION)).getMessage();
        assertTrue(m.contains("s.yaml: search: found a grid of 10,000,000 trials (learning_rate 1,000 x batch_size 1,000 x dropout 10); "
                + "allowed: at most 1,000,000 trials in one sweep: cut the grid with budget.max_trials"), m);
    }

    @Test
    void gridOfATrillion_isAnErrorNamingTheCount() {
        String m = assertThrows(SweepFileException.class, () -> SweepFixtures.sweep("search:\n" + TEN_MILLION
                + "  weight_decay: {min: 0.0, max: 0.1, grid_points: 1000, log: false}\n  optimizer: [sgd, adam, rmsprop, momentum, nesterov]\n"
                + "  architecture: [mlp, deep_mlp, cnn, {type: mlp, hidden: [8]}, {type: mlp, hidden: [16]}, {type: mlp, hidden: [32]},"
                + " {type: mlp, hidden: [64]}, {type: mlp, hidden: [128]}, {type: mlp, hidden: [256]}, {type: mlp, hidden: [512]},"
                + " {type: mlp, hidden: [4]}, {type: mlp, hidden: [2]}, {type: mlp, hidden: [1]}, {type: mlp, hidden: [3]},"
                + " {type: mlp, hidden: [5]}, {type: mlp, hidden: [6]}, {type: mlp, hidden: [7]}, {type: mlp, hidden: [9]},"
                + " {type: mlp, hidden: [10]}, {type: mlp, hidden: [11]}]\n")).getMessage();
        assertTrue(m.contains("found a grid of 1,000,000,000,000 trials"), m);
    }

    @Test
    void gridOfTenMillion_withABudget_plansItsFirstPointsLazily() {
        SweepSpec sweep = SweepFixtures.sweep("search:\n" + TEN_MILLION + "budget: {max_trials: 5}\n");
        Sampler sampler = Sampler.of(sweep);
        assertEquals(5, sampler.total());
        List<TrialSpec> plan = Planner.plan(sweep);
        assertEquals(5, plan.size());
        assertEquals(List.of(0.0, 0.05555555555555555, 0.1111111111111111, 0.16666666666666666, 0.2222222222222222),
                plan.stream().map(t -> t.params().dropout()).toList(), "the last axis varies fastest");
        assertTrue(sampler.suggest(SweepFixtures.empty(sweep)).isPresent());
    }

    @Test
    void randomOrTpeAskingMoreThanTheSpaceHolds_isAnError_butNotWithinTheBudget() {
        for (String strategy : List.of("random", "tpe")) {
            String m = assertThrows(SweepFileException.class, () -> SweepFixtures.sweep(
                    "search: {strategy: " + strategy + ", trials: 7, optimizer: [sgd, adam], batch_size: [32, 64, 128]}\n")).getMessage();
            assertTrue(m.contains("s.yaml: search.trials: found 7; allowed: at most 6: the search space holds 6 distinct trials "
                    + "(batch_size 3 x optimizer 2)") || m.contains("(optimizer 2 x batch_size 3)"), m);
            SweepSpec capped = SweepFixtures.sweep("search: {strategy: " + strategy + ", trials: 7, optimizer: [sgd, adam], batch_size: [32, 64, 128]}\n"
                    + "budget: {max_trials: 6}\n");
            assertEquals(6, Sampler.of(capped).total());
        }
    }
}
