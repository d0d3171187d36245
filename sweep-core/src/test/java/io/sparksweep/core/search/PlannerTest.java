package io.sparksweep.core.search;

import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialSpec;

import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTest {

    @TempDir
    Path dir;

    @BeforeEach
    void data() throws IOException {
        SyntheticMnist.write(dir.resolve("data"), 20, 10, 1);
    }

    private SweepSpec sweep(String yaml) {
        return SweepFileParser.parse("t.yaml", ("dataset: {location: data}\n" + yaml).getBytes(StandardCharsets.UTF_8), dir);
    }

    @Test
    void plan_twoAxisGrid_enumeratesInDeclaredOrder() {
        List<TrialSpec> trials = Planner.plan(sweep("""
                name: g
                search:
                  batch_size: [32, 64]
                  learning_rate: [0.1, 0.01, 0.001]
                """));
        List<String> got = trials.stream().map(t -> t.params().batchSize() + "/" + t.params().learningRate()).toList();
        assertEquals(List.of("32/0.1", "32/0.01", "32/0.001", "64/0.1", "64/0.01", "64/0.001"), got);
        for (int i = 0; i < trials.size(); i++) {
            assertEquals(i, trials.get(i).index());
        }
    }

    @Test
    void plan_otherDeclaredOrder_swapsTheLoops() {
        List<TrialSpec> trials = Planner.plan(sweep("""
                name: g
                search:
                  learning_rate: [0.1, 0.01]
                  batch_size: [32, 64]
                """));
        List<String> got = trials.stream().map(t -> t.params().learningRate() + "/" + t.params().batchSize()).toList();
        assertEquals(List.of("0.1/32", "0.1/64", "0.01/32", "0.01/64"), got);
    }

    @Test
    void plan_axesWithEqualValues_stayIndependent() {
        List<TrialSpec> trials = Planner.plan(sweep("""
                name: g
                search:
                  dropout: [0.1, 0.2]
                  weight_decay: [0.1, 0.2]
                """));
        Set<String> pairs = new HashSet<>();
        trials.forEach(t -> pairs.add(t.params().dropout() + "/" + t.params().weightDecay()));
        assertEquals(Set.of("0.1/0.1", "0.1/0.2", "0.2/0.1", "0.2/0.2"), pairs);
    }

    @Test
    void plan_noAxes_isOneTrialWithTheTutorialDefaults() {
        List<TrialSpec> trials = Planner.plan(sweep("name: d\n"));
        assertEquals(1, trials.size());
        assertEquals(new TrialParams(Architecture.MLP, new OptimizerSpec.Momentum(0.9), 0.01, 64, 0.0, 0.0), trials.get(0).params());
    }

    @Test
    void plan_cnnWithoutDropoutAxis_keepsItsOwnDropout() {
        TrialSpec t = Planner.plan(sweep("name: d\nsearch: {architecture: [cnn]}\n")).get(0);
        assertEquals(0.4, t.params().dropout());
    }

    @Test
    void plan_logRangeInGrid_takesLogSpacedPointsWithEnds() {
        List<TrialSpec> trials = Planner.plan(sweep("""
                name: r
                search:
                  learning_rate: {min: 0.001, max: 0.1, grid_points: 3}
                  batch_size: {min: 32, max: 128, grid_points: 4}
                """));
        assertEquals(12, trials.size());
        List<Double> lrs = trials.stream().map(t -> t.params().learningRate()).distinct().toList();
        assertEquals(0.001, lrs.get(0), 1e-12);
        assertEquals(0.01, lrs.get(1), 1e-12);
        assertEquals(0.1, lrs.get(2), 1e-12);
        assertEquals(List.of(32, 64, 96, 128), trials.stream().map(t -> t.params().batchSize()).distinct().sorted().toList());
    }

    @Test
    void plan_sameFileTwice_givesSameIdsAndSeeds() {
        String yaml = "name: s\nseed: 5\nsearch: {learning_rate: [0.1, 0.01], optimizer: [adam, sgd]}\n";
        List<TrialSpec> a = Planner.plan(sweep(yaml));
        List<TrialSpec> b = Planner.plan(sweep(yaml));
        assertEquals(a, b);
        assertEquals(4, a.stream().map(TrialSpec::trialId).distinct().count());
        assertEquals(4, a.stream().map(TrialSpec::seed).distinct().count());
    }

    @Test
    void plan_trialIds_dependOnContentNotPosition() {
        TrialSpec alone = Planner.plan(sweep("name: s\nsearch: {learning_rate: [0.01]}\n")).get(0);
        TrialSpec inGrid = Planner.plan(sweep("name: s\nsearch: {learning_rate: [0.1, 0.01]}\n")).get(1);
        assertEquals(alone.trialId(), inGrid.trialId());
        assertEquals(alone.seed(), inGrid.seed());
        TrialSpec otherSeed = Planner.plan(sweep("name: s\nseed: 99\nsearch: {learning_rate: [0.01]}\n")).get(0);
        assertNotEquals(alone.trialId(), otherSeed.trialId());
        TrialSpec moreEpochs = Planner.plan(sweep("name: s\ntraining: {epochs: 9}\nsearch: {learning_rate: [0.01]}\n")).get(0);
        assertNotEquals(alone.trialId(), moreEpochs.trialId());
    }

    @Test
    void plan_random_isSeededAndDistinct() {
        String yaml = """
                name: rnd
                seed: %d
                search:
                  strategy: random
                  trials: 8
                  learning_rate: {min: 0.0001, max: 0.1}
                  optimizer: [adam, sgd]
                """;
        List<TrialSpec> a = Planner.plan(sweep(yaml.formatted(1)));
        List<TrialSpec> again = Planner.plan(sweep(yaml.formatted(1)));
        List<TrialSpec> other = Planner.plan(sweep(yaml.formatted(2)));
        assertEquals(8, a.size());
        assertEquals(a, again);
        assertNotEquals(a.get(0).params(), other.get(0).params());
        assertEquals(8, a.stream().map(TrialSpec::trialId).distinct().count());
        assertTrue(a.stream().allMatch(t -> t.params().learningRate() >= 0.0001 && t.params().learningRate() <= 0.1));
    }

    @Test
    void plan_randomAskingMoreThanTheSpaceHolds_isRejectedWithTheCount() {
        io.sparksweep.core.spec.SweepFileException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.sparksweep.core.spec.SweepFileException.class, () -> sweep("""
                        name: rnd
                        search: {strategy: random, trials: 10, optimizer: [adam, sgd]}
                        """));
        assertTrue(e.getMessage().contains("t.yaml: search.trials: found 10; allowed: at most 2: the search space holds 2 distinct "
                + "trials (optimizer 2); lower search.trials, use strategy grid, or widen the space with a range"), e.getMessage());
    }

    @Test
    void plan_randomAskingAllTheSpaceHolds_drawsEveryPoint() {
        List<TrialSpec> trials = Planner.plan(sweep("""
                name: rnd
                search: {strategy: random, trials: 6, optimizer: [adam, sgd], batch_size: [16, 32, 64]}
                """));
        assertEquals(6, trials.stream().map(TrialSpec::trialId).distinct().count());
    }

    @Test
    void plan_maxTrials_cutsTheGridInOrder() {
        List<TrialSpec> trials = Planner.plan(sweep("""
                name: b
                search: {learning_rate: [0.1, 0.01, 0.001], batch_size: [32, 64]}
                budget: {max_trials: 4}
                """));
        assertEquals(4, trials.size());
        assertEquals(0.01, trials.get(3).params().learningRate());
    }
}
