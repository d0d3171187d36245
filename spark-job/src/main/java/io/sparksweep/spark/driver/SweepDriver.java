package io.sparksweep.spark.driver;

import io.sparksweep.core.Engine;
import io.sparksweep.core.data.IdxFormatException;
import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.schedule.Scheduler;
import io.sparksweep.core.search.Sampler;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;
import io.sparksweep.spark.exec.DataSetTrainer;
import io.sparksweep.spark.exec.ExecutorData;
import io.sparksweep.spark.exec.Trainer;
import io.sparksweep.spark.exec.TrialOutcome;
import io.sparksweep.spark.exec.TrialTask;
import io.sparksweep.spark.exec.Work;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The driver of a sweep, one loop: whenever a slot is free it takes the next piece of work, a segment of
 * a trial: a trial the {@link Scheduler} says should go on (a promotion, or the next epoch under the median
 * rule), else a new trial from the {@link Sampler}. The {@link Dispatcher} runs it on Spark (the executor
 * trains it and commits it), and when it comes back the loop updates the sweep's {@link History}, asks the
 * scheduler what becomes of the trial, and keeps the best models ({@link ModelKeeper}) and the {@link Progress}
 * line. The history starts from the leaderboard and epochs tables ({@link SweepHistory}), so a killed driver
 * loses only the segments in flight, and the same command again goes on.
 */
public final class SweepDriver {

    private static final Logger LOG = LoggerFactory.getLogger(SweepDriver.class);

    /**
     * @param output          where the leaderboard, epochs and models go (local path or Hadoop URI)
     * @param parallelism     segments in flight at once; 0 for the executors' task slots
     * @param rerunFailed     also rerun trials whose row is FAILED or DIVERGED
     * @param keepModels      keep the model files of this many best trials
     * @param progress        where the progress line goes
     * @param live            rewrite one progress line (a terminal) instead of printing a line per segment
     * @param devices         local mode: device addresses to lease to trials (empty: none on the CPU backend, every GPU on CUDA)
     * @param trialsPerDevice local mode: trials sharing one device at most
     */
    public record Options(String output, int parallelism, boolean rerunFailed, int keepModels, PrintStream progress, boolean live,
                          List<String> devices, int trialsPerDevice) {
        public Options {
            devices = List.copyOf(devices);
            if (trialsPerDevice < 1) {
                throw new IllegalArgumentException("trialsPerDevice must be >= 1, found " + trialsPerDevice);
            }
            if (parallelism < 0) {
                throw new IllegalArgumentException("parallelism must be >= 0, found " + parallelism);
            }
            if (keepModels < 0) {
                throw new IllegalArgumentException("keepModels must be >= 0, found " + keepModels);
            }
        }
    }

    /**
     * What a run did, for the command line and for benchmarks.
     *
     * @param planned         the trials the sweep holds when done (its sampler's total, at least those with rows)
     * @param skipped         trials that had a row before this run and needed nothing more
     * @param ran             trials that trained in this run (one segment or more)
     * @param completed       of those, the ones that ended COMPLETED or STOPPED
     * @param failed          of those, the ones that ended FAILED or DIVERGED
     * @param epochs          epochs trained in this run
     */
    public record Summary(String sweep, int planned, int skipped, int ran, int completed, int failed, int parallelism,
                          double wallSeconds, double trainSecondsSum, long epochs) {
    }

    private final SparkSession spark;
    private final Clock clock;
    private final Trainer trainer;
    private final Runnable afterCommit;

    public SweepDriver(SparkSession spark, Clock clock) {
        this(spark, clock, new DataSetTrainer(), () -> { });
    }

    /** @param trainer what trains each segment on the executors (tests and benchmarks of the loop use others) */
    public SweepDriver(SparkSession spark, Clock clock, Trainer trainer) {
        this(spark, clock, trainer, () -> { });
    }

    /** @param afterCommit runs on the driver's thread after segments came back and the work they made room for went out (the live report, say) */
    public SweepDriver(SparkSession spark, Clock clock, Trainer trainer, Runnable afterCommit) {
        this.spark = spark;
        this.clock = clock;
        this.trainer = trainer;
        this.afterCommit = afterCommit;
    }

    /** The state of one run of the loop. */
    private final class Run {
        final SweepSpec sweep;
        final Options o;
        final Leaderboard store;
        final Sampler sampler;
        final Scheduler scheduler;
        final ModelKeeper keeper;
        final Progress progress;
        final String dataSha;
        final boolean local;
        final Map<String, SweepHistory.Entry> trials;
        final Deque<Scheduler.Promotion> continuing = new ArrayDeque<>();
        final Set<String> touched = new HashSet<>();
        History history;
        long epochsUsed;
        long epochsRun;
        double trainSeconds;

        Run(SweepSpec sweep, Options o, Leaderboard store, SweepHistory.Loaded loaded, String dataSha, int slots) {
            this.sweep = sweep;
            this.o = o;
            this.store = store;
            this.sampler = Sampler.of(sweep);
            this.scheduler = Scheduler.of(sweep);
            this.keeper = new ModelKeeper(store, sweep.name(), sweep.objective(), o.keepModels(), loaded.keptModels());
            this.dataSha = dataSha;
            this.local = spark.sparkContext().master().startsWith("local");
            this.trials = new HashMap<>(loaded.trials());
            this.history = loaded.history();
            this.epochsUsed = history.trials().stream().mapToLong(TrialRecord::epochsRun).sum();
            int open = (int) history.trials().stream().filter(t -> t.status() == TrialStatus.PAUSED).count();
            this.progress = new Progress(o.progress(), o.live(), clock, sweep.objective(),
                    Math.max(0, Math.max(sampler.total(), history.size()) - history.size() + open));
        }

        boolean withinBudget() {
            return !sweep.budget().limitsEpochs() || epochsUsed < sweep.budget().maxEpochs();
        }

        /** The next segment to run, or empty: a trial that goes on first, then a new one. */
        Optional<Work> next(boolean newTrials) {
            Scheduler.Promotion p = continuing.poll();
            if (p == null) {
                p = scheduler.promotion(history).orElse(null);
            }
            if (p != null) {
                TrialRecord rec = history.get(p.trialId());
                SweepHistory.Entry e = trials.get(p.trialId());
                Segment s = new Segment(e.spec(), rec.epochsRun(), p.to(), e.epochs(), p.to() < e.spec().training().epochs(), e.startedAt());
                history = history.with(new TrialRecord(rec.trialId(), rec.params(), TrialStatus.RUNNING, rec.objective(), rec.epochsRun(),
                        rec.curve(), rec.suggestion()));
                return Optional.of(work(s));
            }
            if (!newTrials) {
                return Optional.empty();
            }
            Optional<Sampler.Suggestion> next = sampler.suggest(history);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            int number = history.nextSuggestion();
            TrialSpec trial = TrialSpec.of(sweep, next.get().params(), next.get().index(),
                    new TrialSpec.Origin(sampler.strategy().key(), number, history.finished().size()));
            history = history.with(TrialRecord.running(trial.trialId(), trial.params(), number));
            trials.put(trial.trialId(), new SweepHistory.Entry(trial, List.of(), null));
            int stop = scheduler.firstStop();
            return Optional.of(work(new Segment(trial, 0, stop, List.of(), scheduler.segments() && stop < trial.training().epochs(), null)));
        }

        private Work work(Segment s) {
            epochsUsed += s.to() - s.from();
            touched.add(s.trial().trialId());
            progress.started();
            return new Work(s, dataSha, keeper.keepsModels(), keeper.threshold(), keeper.holds(s.trial().trialId()), scheduler.rungs());
        }

        /** Takes in a segment that came back. */
        void back(Dispatcher.Finished f) {
            Segment s = f.work().segment();
            TrialSpec trial = s.trial();
            TrialOutcome out = f.outcome();
            TrialResult r = out.result();
            if (!out.committed()) {
                commitOnDriver(store, f.work(), r, out, dataSha);
            } else if (!local && !store.hasRow(trial.sweepName(), trial.trialId())) {
                throw new IllegalStateException("executor " + out.executorId() + " committed trial " + trial.trialId() + " to "
                        + store.rowFile(trial.sweepName(), trial.trialId()) + ", which the driver cannot see: the output must be a "
                        + "file system that the driver and every executor reach at the same path (HDFS, S3, NFS)");
            }
            Double value = finite(r.metric(sweep.objective().metric()));
            if (out.modelPath() != null && value != null) {
                keeper.kept(trial.trialId(), value);
            }
            epochsRun += r.history().size() - s.from();
            epochsUsed += r.history().size() - s.to();
            trainSeconds += r.history().stream().filter(m -> m.epoch() > s.from()).mapToDouble(EpochMetrics::trainSeconds).sum();
            List<EpochMetrics> epochs = r.history();
            SweepHistory.Entry e = trials.get(trial.trialId());
            trials.put(trial.trialId(), new SweepHistory.Entry(trial, epochs, e.startedAt() != null ? e.startedAt() : r.startedAt()));
            TrialRecord rec = new TrialRecord(trial.trialId(), trial.params(), r.status(), r.status().trained() ? value : null,
                    epochs.size(), epochs.stream().map(m -> m.metric(sweep.objective().metric())).toList(), trial.origin().suggestion());
            history = history.with(rec);
            Scheduler.Verdict v = scheduler.decide(rec, history);
            TrialStatus status = r.status();
            switch (v.decision()) {
                case CONTINUE -> continuing.add(new Scheduler.Promotion(trial.trialId(), v.nextStop()));
                case STOP -> status = stop(rec);
                case DONE -> {
                    if (scheduler.segments()) {
                        store.deleteCheckpoints(trial.sweepName(), trial.trialId());
                    }
                }
                case PAUSE -> {
                    // It waits at its rung, its checkpoint kept.
                }
            }
            boolean over = v.decision() == Scheduler.Decision.DONE || v.decision() == Scheduler.Decision.STOP;
            LOG.info("trial {} {} at epoch {}: {} {} in {} s{}", trial.trialId(), status, epochs.size(), sweep.objective().metric().key(), value,
                    String.format("%.1f", r.trainSeconds()), r.error() == null ? "" : " (" + r.error().lines().findFirst().orElse("") + ")");
            progress.extra(scheduler.describe(history));
            progress.finished(trial.trialId(), trial.params().label() + (scheduler.segments() ? " @" + epochs.size() + "ep" : ""), status,
                    value, over);
        }

        /** A trial that trains no further: its row says STOPPED, its checkpoints go. */
        TrialStatus stop(TrialRecord rec) {
            store.setStatus(sweep.name(), rec.trialId(), TrialStatus.STOPPED);
            store.deleteCheckpoints(sweep.name(), rec.trialId());
            history = history.with(new TrialRecord(rec.trialId(), rec.params(), TrialStatus.STOPPED, rec.objective(), rec.epochsRun(),
                    rec.curve(), rec.suggestion()));
            return TrialStatus.STOPPED;
        }

        /** The sweep is over: paused trials that were never promoted end STOPPED. */
        void finish() {
            for (TrialRecord t : history.trials()) {
                if (t.status() == TrialStatus.PAUSED) {
                    stop(t);
                    touched.add(t.trialId());
                    progress.stopped(t.trialId(), t.params().label() + " @" + t.epochsRun() + "ep", t.objective());
                }
            }
        }
    }

    public Summary run(SweepSpec sweep, Options o) {
        MDC.put("sweep", sweep.name());
        long t0 = System.nanoTime();
        Leaderboard store = new Leaderboard(o.output(), spark.sparkContext().hadoopConfiguration());
        String dataSha = trainer instanceof DataSetTrainer ? checkedData(sweep).contentSha256() : "none";
        store.recover(sweep.name());
        Leaderboard.Read read = store.read(sweep.name());
        for (Leaderboard.Unreadable u : read.unreadable()) {
            Object aside = store.quarantine(u);
            LOG.warn("sweep {}: the row file {} cannot be read ({}); moved aside to {}, and its trial runs again",
                    sweep.name(), u.file(), u.reason(), aside);
        }
        boolean segments = Scheduler.of(sweep).segments();
        SweepHistory.Loaded loaded = SweepHistory.read(read.rows(), segments ? store.epochsByTrial(sweep.name()) : Map.of(), sweep,
                o.rerunFailed());
        int taskCpus = spark.sparkContext().conf().getInt("spark.task.cpus", 1);
        int slots = o.parallelism() > 0 ? o.parallelism() : slots(taskCpus);
        Run run = new Run(sweep, o, store, loaded, dataSha, slots);
        int skipped = (int) run.history.trials().stream().filter(t -> t.status().isTerminal()).count();
        int planned = Math.max(run.sampler.total(), run.history.size());
        LOG.info("sweep {}: {} search, {} trials, {} already committed, {} at a time, output {}",
                sweep.name(), run.sampler.strategy().key(), planned, skipped, slots, o.output());
        run.keeper.removeOrphans();
        TrialTask task = new TrialTask(o.output(), taskCpus, o.devices(), o.trialsPerDevice(), trainer);
        Instant deadline = sweep.budget().limitsWallTime() ? clock.instant().plus(sweep.budget().maxWallTime()) : null;
        boolean newTrials = true;
        boolean warned = false;
        boolean committed = false;
        try (Dispatcher dispatcher = new Dispatcher(spark, task, sweep.name(), slots, clock)) {
            while (true) {
                boolean stopping = (deadline != null && clock.instant().isAfter(deadline)) || !run.withinBudget();
                List<Work> batch = new ArrayList<>();
                while (!stopping && batch.size() < dispatcher.freeSlots() && run.withinBudget()) {
                    Optional<Work> w = run.next(newTrials);
                    if (w.isEmpty()) {
                        newTrials = false;
                        break;
                    }
                    batch.add(w.get());
                }
                dispatcher.submit(batch);
                if (committed) {
                    // After the freed slots have their work: the live report is written while it trains.
                    afterCommit.run();
                    committed = false;
                }
                if (stopping && !warned) {
                    LOG.warn("sweep {}: its budget (max_wall_time {}, max_epochs {}) is spent; no new segment starts",
                            sweep.name(), sweep.budget().maxWallTime(), sweep.budget().maxEpochs());
                    warned = true;
                }
                if (dispatcher.inFlight() == 0) {
                    break;
                }
                // Every segment that has come back is taken in before new work is asked for, so that freed slots go
                // out together as one Spark job.
                do {
                    run.back(dispatcher.take());
                } while (dispatcher.hasWaiting());
                committed = true;
            }
            run.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep " + sweep.name() + " interrupted; committed trials are kept, a rerun resumes", e);
        } finally {
            run.progress.close();
            MDC.remove("sweep");
        }
        int completed = 0;
        int failed = 0;
        for (String id : run.touched) {
            TrialStatus s = run.history.get(id).status();
            if (s.failed()) {
                failed++;
            } else {
                completed++;
            }
        }
        return new Summary(sweep.name(), planned, skipped, run.touched.size(), completed, failed, slots, (System.nanoTime() - t0) / 1e9,
                run.trainSeconds, run.epochsRun);
    }

    /**
     * The sweep's data set as the driver reads it, checked once before any trial starts or anything is written
     * (a local data set was checked with the sweep file already; one on another file system is checked here).
     */
    private static MnistData checkedData(SweepSpec sweep) {
        MnistData data = ExecutorData.load(sweep.dataset().location());
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IdxFormatException("the data set at " + sweep.dataset().location() + " cannot be used:\n  - "
                    + String.join("\n  - ", problems));
        }
        return data;
    }

    /** A segment whose task never came back (every attempt lost): the driver writes its FAILED row itself. */
    private void commitOnDriver(Leaderboard store, Work work, TrialResult r, TrialOutcome out, String dataSha) {
        TrialResult failed = new TrialResult(r.trialId(), TrialStatus.FAILED, r.error(), work.segment().before(), Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0, Double.NaN, r.startedAt(), r.finishedAt(), r.seed(), r.environment());
        LeaderboardRow row = LeaderboardRow.of(work.trial(), failed, new LeaderboardRow.Placement(out.executorId(), out.device(), dataSha,
                null, Engine.VERSION, spark.version()), work.rungOf(work.segment().from()));
        store.commit(row, List.of(), work.segment().from());
    }

    /** Task slots of the executors: cores / spark.task.cpus, waiting briefly for a cluster's executors. */
    private int slots(int taskCpus) {
        String master = spark.sparkContext().master();
        if (!master.startsWith("local")) {
            long until = System.currentTimeMillis() + 30_000;
            while (spark.sparkContext().statusTracker().getExecutorInfos().length < 2 && System.currentTimeMillis() < until) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
