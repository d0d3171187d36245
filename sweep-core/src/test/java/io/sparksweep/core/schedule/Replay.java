package io.sparksweep.core.schedule;

import io.sparksweep.core.search.Sampler;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialIds;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Sweeps replayed from recorded learning curves, with the driver's decisions and no training: the per-epoch
 * validation accuracy and training seconds of one real grid (src/test/resources/replay/), a virtual clock,
 * and the same loop as the driver's (a freed slot takes a promotion first, else a new trial from the
 * sampler; a scheduler decides after each segment). Deterministic, and seconds instead of hours.
 */
final class Replay {

    /** One recorded trial's curve: validation accuracy and training seconds after each epoch. */
    record Curve(double[] valAccuracy, double[] seconds) {
    }

    /** What a replayed sweep reached. */
    record Outcome(double best, String bestKey, long epochs, double seconds, int trials) {
    }

    final Map<String, Curve> curves = new HashMap<>();
    final int epochs;

    /** Reads {@code /replay/NAME.csv}: architecture,optimizer,learning_rate,batch_size,epoch,val_accuracy,train_seconds. */
    Replay(String name) throws IOException {
        Map<String, List<double[]>> rows = new HashMap<>();
        try (InputStream in = Replay.class.getResourceAsStream("/replay/" + name + ".csv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",", -1);
                String key = key(f[0], f[1], Double.parseDouble(f[2]), Integer.parseInt(f[3]));
                List<double[]> curve = rows.computeIfAbsent(key, k -> new ArrayList<>());
                if (f[4].isEmpty()) {
                    continue; // diverged in its first epoch: a curve of no epochs
                }
                curve.add(new double[]{Integer.parseInt(f[4]),
                        f[5].isEmpty() ? Double.NaN : Double.parseDouble(f[5]), Double.parseDouble(f[6])});
            }
        }
        int max = 0;
        for (Map.Entry<String, List<double[]>> e : rows.entrySet()) {
            List<double[]> list = e.getValue();
            list.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] acc = new double[list.size()];
            double[] sec = new double[list.size()];
            for (int i = 0; i < list.size(); i++) {
                acc[i] = list.get(i)[1];
                sec[i] = list.get(i)[2];
            }
            curves.put(e.getKey(), new Curve(acc, sec));
            max = Math.max(max, acc.length);
        }
        this.epochs = max;
    }

    static String key(String architecture, String optimizer, double lr, int batch) {
        return architecture + "|" + optimizer + "|" + lr + "|" + batch;
    }

    static String key(TrialParams p) {
        return key(p.architecture().name(), p.optimizer().type(), p.learningRate(), p.batchSize());
    }

    /** The grid's best validation accuracy after all its epochs, and what the whole grid costs. */
    Outcome grid() {
        double best = -1;
        String bestKey = null;
        long epochsTotal = 0;
        double seconds = 0;
        for (Map.Entry<String, Curve> e : curves.entrySet()) {
            double[] acc = e.getValue().valAccuracy();
            epochsTotal += acc.length;
            for (double s : e.getValue().seconds()) {
                seconds += s;
            }
            if (acc.length == epochs && acc[acc.length - 1] > best) {
                best = acc[acc.length - 1];
                bestKey = e.getKey();
            }
        }
        return new Outcome(best, bestKey, epochsTotal, seconds, curves.size());
    }

    SweepSpec sweep(String search, String scheduler) {
        String yaml = String.format(Locale.ROOT, """
                name: replay
                seed: 3
                dataset: {location: "hdfs://replay/data"}
                training: {epochs: %d}
                search:
                %s
                scheduler: %s
                """, epochs, search.indent(2).stripTrailing(), scheduler);
        return SweepFileParser.parse("replay.yaml", yaml.getBytes(StandardCharsets.UTF_8), Path.of("."));
    }

    private record Running(double endsAt, TrialSpec trial, int from, int to) {
    }

    /** Replays {@code sweep} on {@code slots} slots: the driver's loop over recorded curves. */
    Outcome run(SweepSpec sweep, int slots) {
        Sampler sampler = Sampler.of(sweep);
        Scheduler scheduler = Scheduler.of(sweep);
        History h = History.empty(TrialIds.of(sweep), sweep.objective());
        Map<String, TrialSpec> specs = new HashMap<>();
        PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Double.compare(a.endsAt(), b.endsAt()));
        Deque<Scheduler.Promotion> continuing = new ArrayDeque<>();
        double now = 0;
        long epochsTrained = 0;
        boolean newTrials = true;
        while (true) {
            while (running.size() < slots) {
                Scheduler.Promotion p = continuing.poll();
                if (p == null) {
                    p = scheduler.promotion(h).orElse(null);
                }
                TrialSpec trial;
                int from;
                int to;
                if (p != null) {
                    TrialRecord rec = h.get(p.trialId());
                    trial = specs.get(p.trialId());
                    from = rec.epochsRun();
                    to = p.to();
                    h = h.with(new TrialRecord(rec.trialId(), rec.params(), TrialStatus.RUNNING, rec.objective(), rec.epochsRun(), rec.curve(),
                            rec.suggestion()));
                } else {
                    Optional<Sampler.Suggestion> s = newTrials ? sampler.suggest(h) : Optional.empty();
                    if (s.isEmpty()) {
                        newTrials = false;
                        break;
                    }
                    int number = h.nextSuggestion();
                    trial = TrialSpec.of(sweep, s.get().params(), s.get().index(), new TrialSpec.Origin("replay", number, h.finished().size()));
                    specs.put(trial.trialId(), trial);
                    h = h.with(TrialRecord.running(trial.trialId(), trial.params(), number));
                    from = 0;
                    to = scheduler.firstStop();
                }
                Curve c = curves.get(key(trial.params()));
                if (c == null) {
                    throw new IllegalStateException("no recorded curve for " + key(trial.params()));
                }
                double seconds = 0;
                for (int e = from; e < Math.min(to, c.seconds().length); e++) {
                    seconds += c.seconds()[e];
                }
                running.add(new Running(now + seconds, trial, from, to));
            }
            Running done = running.poll();
            if (done == null) {
                break;
            }
            now = done.endsAt();
            Curve c = curves.get(key(done.trial().params()));
            int reached = Math.min(done.to(), c.valAccuracy().length);
            epochsTrained += reached - done.from();
            List<Double> curve = new ArrayList<>();
            for (int e = 0; e < reached; e++) {
                curve.add(c.valAccuracy()[e]);
            }
            boolean diverged = reached < done.to() || Double.isNaN(curve.get(curve.size() - 1));
            TrialStatus status = diverged ? TrialStatus.DIVERGED : reached == epochs ? TrialStatus.COMPLETED : TrialStatus.PAUSED;
            Double value = diverged ? null : curve.get(curve.size() - 1);
            TrialRecord rec = new TrialRecord(done.trial().trialId(), done.trial().params(), status, value, curve.size(), curve,
                    done.trial().origin().suggestion());
            h = h.with(rec);
            Scheduler.Verdict v = scheduler.decide(rec, h);
            if (v.decision() == Scheduler.Decision.CONTINUE) {
                continuing.add(new Scheduler.Promotion(rec.trialId(), v.nextStop()));
            } else if (v.decision() == Scheduler.Decision.STOP) {
                h = h.with(new TrialRecord(rec.trialId(), rec.params(), TrialStatus.STOPPED, rec.objective(), rec.epochsRun(), rec.curve(),
                        rec.suggestion()));
            }
        }
        double best = -1;
        String bestKey = null;
        for (TrialRecord t : h.trials()) {
            if (t.objective() != null && t.objective() > best) {
                best = t.objective();
                bestKey = key(t.params());
            }
        }
        return new Outcome(best, bestKey, epochsTrained, now, h.size());
    }
}
