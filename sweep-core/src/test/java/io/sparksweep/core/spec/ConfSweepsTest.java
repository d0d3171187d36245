package io.sparksweep.core.spec;

import io.sparksweep.core.search.Planner;
import io.sparksweep.core.trial.TrialSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every example sweep in conf/sweeps parses and plans, so the examples never rot. */
class ConfSweepsTest {

    static final Path CONF = Path.of("..", "conf", "sweeps");

    static Stream<Path> sweeps() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList();
            assertFalse(list.isEmpty(), "no sweep files in " + CONF.toAbsolutePath());
            return list.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("sweeps")
    void confSweep_parsesAndPlans(Path file) {
        SweepSpec spec = SweepFileParser.parse(file);
        if (!Planner.hasPlan(spec)) {
            // A TPE sweep proposes its trials from results: its sampler must give a first one.
            io.sparksweep.core.search.Sampler sampler = io.sparksweep.core.search.Sampler.of(spec);
            assertTrue(sampler.total() > 0);
            assertTrue(sampler.suggest(io.sparksweep.core.trial.History.empty(io.sparksweep.core.trial.TrialIds.of(spec), spec.objective()))
                    .isPresent());
            return;
        }
        List<TrialSpec> trials = Planner.plan(spec);
        assertFalse(trials.isEmpty());
        assertEquals(trials.size(), trials.stream().map(TrialSpec::trialId).distinct().count());
        assertTrue(spec.budget().maxTrials() == 0 || trials.size() <= spec.budget().maxTrials());
    }

    @org.junit.jupiter.api.Test
    void tutorialSweep_isTheTutorialsWholeGrid() {
        List<TrialSpec> trials = Planner.plan(SweepFileParser.parse(CONF.resolve("tutorial.yaml")));
        assertEquals(3 * 2 * 3 * 3, trials.size());
        assertEquals(5, trials.get(0).training().epochs());
    }
}
