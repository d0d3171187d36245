package io.sparksweep.core.search;

import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialIds;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialStatus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Sweeps and histories for sampler tests: no data set is read (the location is a URI, checked by executors only). */
final class SweepFixtures {

    private SweepFixtures() {
    }

    static SweepSpec sweep(String yaml) {
        return SweepFileParser.parse("s.yaml", ("name: s\ndataset: {location: \"hdfs://nowhere/data\"}\n" + yaml)
                .getBytes(StandardCharsets.UTF_8), Path.of("."));
    }

    static History empty(SweepSpec sweep) {
        return History.empty(TrialIds.of(sweep), sweep.objective());
    }

    /** The history after the trial with these parameters finished with this objective value. */
    static History finished(History h, TrialParams p, TrialStatus status, Double value) {
        int number = h.nextSuggestion();
        return h.with(new TrialRecord(h.ids().id(p), p, status, status.trained() ? value : null, status.trained() ? 1 : 0,
                status.trained() ? List.of(value) : List.of(), number));
    }

    /** Runs a sweep one trial at a time against {@code objective}: the values in the order suggested. */
    static List<Double> run(Sampler sampler, SweepSpec sweep, int trials, ToDoubleFunction<TrialParams> objective) {
        History h = empty(sweep);
        List<Double> values = new java.util.ArrayList<>();
        for (int i = 0; i < trials; i++) {
            var s = sampler.suggest(h);
            if (s.isEmpty()) {
                break;
            }
            double v = objective.applyAsDouble(s.get().params());
            values.add(v);
            h = finished(h, s.get().params(), TrialStatus.COMPLETED, v);
        }
        return values;
    }
}
