package io.sparksweep.core.search;

import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.Domain;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every sampler promises, run against each strategy and both objective directions. */
class SamplerContractTest {

    private static final String SPACE = """
              learning_rate: %s
              batch_size: [32, 64, 128]
              optimizer: [sgd, adam]
            """;

    static Stream<Arguments> samplers() {
        List<Arguments> out = new ArrayList<>();
        for (String direction : List.of("maximize", "minimize")) {
            String objective = "objective: {metric: val_loss, direction: " + direction + "}\n";
            out.add(Arguments.of("grid " + direction, objective + "search:\n" + SPACE.formatted("[0.1, 0.01, 0.001]"), 18));
            out.add(Arguments.of("random " + direction, objective + "search:\n  strategy: random\n  trials: 12\n"
                    + SPACE.formatted("{min: 0.0001, max: 0.5}"), 12));
            out.add(Arguments.of("tpe " + direction, objective + "search:\n  strategy: tpe\n  trials: 16\n  tpe: {startup_trials: 4}\n"
                    + SPACE.formatted("{min: 0.0001, max: 0.5}"), 16));
            out.add(Arguments.of("tpe over choices " + direction, objective + "search:\n  strategy: tpe\n  trials: 18\n  tpe: {startup_trials: 3}\n"
                    + SPACE.formatted("[0.1, 0.01, 0.001]"), 18));
        }
        return out.stream();
    }

    /** A deterministic objective over every dimension, with a few failures mixed in. */
    private static double value(TrialParams p) {
        return Math.abs(Math.log10(p.learningRate()) + 2) + p.batchSize() / 128.0 + (p.optimizer().type().equals("adam") ? 0 : 0.5);
    }

    private static History drive(SweepSpec sweep, Sampler sampler, int steps, List<Optional<Sampler.Suggestion>> seen) {
        History h = SweepFixtures.empty(sweep);
        for (int i = 0; i < steps; i++) {
            Optional<Sampler.Suggestion> s = sampler.suggest(h);
            seen.add(s);
            if (s.isEmpty()) {
                break;
            }
            TrialParams p = s.get().params();
            TrialStatus status = i % 5 == 3 ? TrialStatus.FAILED : i % 7 == 5 ? TrialStatus.DIVERGED : TrialStatus.COMPLETED;
            h = SweepFixtures.finished(h, p, status, value(p));
        }
        return h;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void sameHistory_getsTheSameSuggestion(String name, String yaml, int total) {
        SweepSpec sweep = SweepFixtures.sweep(yaml);
        List<Optional<Sampler.Suggestion>> first = new ArrayList<>();
        List<Optional<Sampler.Suggestion>> second = new ArrayList<>();
        History a = drive(sweep, Sampler.of(sweep), total / 2, first);
        History b = drive(sweep, Sampler.of(sweep), total / 2, second);
        assertEquals(first, second, "two samplers of one sweep, fed the same results");
        Sampler one = Sampler.of(sweep);
        assertEquals(one.suggest(a), one.suggest(a), "asked twice with one history");
        assertEquals(one.suggest(a), Sampler.of(sweep).suggest(b), "a fresh sampler with an equal history");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void suggestions_stayInTheSpace_areNeverInTheHistory_andEndAtTheTotal(String name, String yaml, int total) {
        SweepSpec sweep = SweepFixtures.sweep(yaml);
        Sampler sampler = Sampler.of(sweep);
        assertEquals(total, sampler.total());
        List<Optional<Sampler.Suggestion>> seen = new ArrayList<>();
        History h = drive(sweep, sampler, total + 5, seen);
        assertEquals(total, h.size(), "trials proposed before the sampler said it was done");
        assertTrue(seen.get(seen.size() - 1).isEmpty(), "exhausted after its total");
        assertTrue(sampler.suggest(h).isEmpty(), "stays exhausted");
        Set<String> ids = new HashSet<>();
        Domain lr = sweep.search().axis(Dimension.LEARNING_RATE).domain();
        for (TrialRecord t : h.trials()) {
            assertTrue(ids.add(t.trialId()), "suggested twice: " + t.params().label());
            TrialParams p = t.params();
            assertTrue(List.of(32, 64, 128).contains(p.batchSize()), p.label());
            assertTrue(List.of("sgd", "adam").contains(p.optimizer().type()), p.label());
            if (lr instanceof Domain.Range r) {
                assertTrue(p.learningRate() >= r.min() && p.learningRate() <= r.max(), p.label());
            } else {
                assertTrue(((Domain.Choice) lr).values().contains(p.learningRate()), p.label());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void trialsInFlight_areNeverSuggestedAgain(String name, String yaml, int total) {
        SweepSpec sweep = SweepFixtures.sweep(yaml);
        Sampler sampler = Sampler.of(sweep);
        History h = drive(sweep, sampler, total / 2, new ArrayList<>());
        Set<TrialParams> running = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Sampler.Suggestion s = sampler.suggest(h).orElseThrow();
            assertFalse(running.contains(s.params()), "suggested a trial in flight: " + s.params().label());
            running.add(s.params());
            h = h.with(TrialRecord.running(h.ids().id(s.params()), s.params(), h.nextSuggestion()));
        }
        assertEquals(3, h.running().size());
    }
}
