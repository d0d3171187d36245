package io.sparksweep.spark.driver;

import io.sparksweep.core.Engine;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.search.Sampler;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The driver of a sweep, one loop: whenever a slot is free it asks the {@link Sampler} for the next trial
 * (which work), hands it to the {@link Dispatcher} (running it on Spark: the executor trains it and commits
 * its rows), and when a trial comes back it updates the sweep's {@link History}, the kept models
 * ({@link ModelKeeper}) and the {@link Progress} line. The history starts from the leaderboard's rows
 * ({@link SweepHistory}), so a killed driver loses only the trials in flight, and the same command again
 * goes on.
 */
public final class SweepDriver {

    private static final Logger LOG = LoggerFactory.getLogger(SweepDriver.class);

    /**
     * @param output          where the leaderboard, epochs and models go (local path or Hadoop URI)
     * @param parallelism     trials in flight at once; 0 for the executors' task slots
     * @param rerunFailed     also rerun trials whose row is FAILED or DIVERGED
     * @param keepModels      keep the model files of this many best trials
     * @param progress        where the progress line goes
     * @param live            rewrite one progress line (a terminal) instead of printing a line per trial
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

    /** What a run did, for the command line and for benchmarks. */
    public record Summary(String sweep, int planned, int skipped, int ran, int completed, int failed, int parallelism,
                          double wallSeconds, double trainSecondsSum) {
    }

    private final SparkSession spark;
    private final Clock clock;
    private final Trainer trainer;

    public SweepDriver(SparkSession spark, Clock clock) {
        this(spark, clock, new DataSetTrainer());
    }

    /** @param trainer what trains each trial on the executors (benchmarks of the loop use one that trains nothing) */
    public SweepDriver(SparkSession spark, Clock clock, Trainer trainer) {
        this.spark = spark;
        this.clock = clock;
        this.trainer = trainer;
    }

    public Summary run(SweepSpec sweep, Options o) {
        MDC.put("sweep", sweep.name());
        long t0 = System.nanoTime();
        Leaderboard store = new Leaderboard(o.output(), spark.sparkContext().hadoopConfiguration());
        store.recover(sweep.name());
        String dataSha = trainer instanceof DataSetTrainer ? ExecutorData.load(sweep.dataset().location()).contentSha256() : "none";
        SweepHistory.Loaded loaded = SweepHistory.read(store.rows(sweep.name()), sweep, o.rerunFailed());
        History history = loaded.history();
        Sampler sampler = Sampler.of(sweep);
        int skipped = history.size();
        int taskCpus = spark.sparkContext().conf().getInt("spark.task.cpus", 1);
        int slots = o.parallelism() > 0 ? o.parallelism() : slots(taskCpus);
        int planned = Math.max(sampler.total(), skipped);
        LOG.info("sweep {}: {} search, {} trials, {} already committed, {} at a time, output {}",
                sweep.name(), sampler.strategy().key(), planned, skipped, slots, o.output());

        ModelKeeper keeper = new ModelKeeper(store, sweep.name(), sweep.objective(), o.keepModels(), loaded.keptModels());
        keeper.removeOrphans();
        Progress progress = new Progress(o.progress(), o.live(), clock, sweep.objective(), Math.max(0, planned - skipped));
        TrialTask task = new TrialTask(o.output(), taskCpus, o.devices(), o.trialsPerDevice(), trainer);
        Instant deadline = sweep.budget().limitsWallTime() ? clock.instant().plus(sweep.budget().maxWallTime()) : null;
        boolean local = spark.sparkContext().master().startsWith("local");

        int completed = 0;
        int failed = 0;
        int ran = 0;
        double trainSeconds = 0;
        boolean exhausted = false;
        try (Dispatcher dispatcher = new Dispatcher(spark, task, sweep.name(), slots, clock)) {
            while (true) {
                boolean pastDeadline = deadline != null && clock.instant().isAfter(deadline);
                List<Work> batch = new ArrayList<>();
                while (!exhausted && !pastDeadline && batch.size() < dispatcher.freeSlots()) {
                    Optional<Sampler.Suggestion> next = sampler.suggest(history);
                    if (next.isEmpty()) {
                        exhausted = true;
                        break;
                    }
                    int number = history.nextSuggestion();
                    TrialSpec trial = TrialSpec.of(sweep, next.get().params(), next.get().index(),
                            new TrialSpec.Origin(sampler.strategy().key(), number, history.finished().size()));
                    history = history.with(TrialRecord.running(trial.trialId(), trial.params(), number));
                    batch.add(new Work(trial, dataSha, keeper.keepsModels(), keeper.threshold()));
                    progress.started();
                }
                dispatcher.submit(batch);
                if (pastDeadline && !exhausted) {
                    LOG.warn("sweep {}: max_wall_time {} reached; no new trial starts (a rerun goes on)", sweep.name(), sweep.budget().maxWallTime());
                    exhausted = true;
                }
                if (dispatcher.inFlight() == 0) {
                    break;
                }
                // Every trial that has come back is taken in before new work is asked for, so that freed
                // slots go out together as one Spark job.
                do {
                    Dispatcher.Finished f = dispatcher.take();
                    history = finished(sweep, store, keeper, progress, history, f, dataSha, local);
                    TrialResult r = f.outcome().result();
                    ran++;
                    trainSeconds += r.trainSeconds();
                    if (r.status().trained()) {
                        completed++;
                    } else {
                        failed++;
                    }
                } while (dispatcher.hasWaiting());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep " + sweep.name() + " interrupted; committed trials are kept, a rerun resumes", e);
        } finally {
            progress.close();
            MDC.remove("sweep");
        }
        return new Summary(sweep.name(), planned, skipped, ran, completed, failed, slots, (System.nanoTime() - t0) / 1e9, trainSeconds);
    }

    /** Takes in a trial that came back: its row checked or written, its model kept, the history and progress updated. */
    private History finished(SweepSpec sweep, Leaderboard store, ModelKeeper keeper, Progress progress, History history,
                             Dispatcher.Finished f, String dataSha, boolean local) {
        TrialSpec trial = f.work().trial();
        TrialOutcome out = f.outcome();
        TrialResult r = out.result();
        if (!out.committed()) {
            commitOnDriver(store, trial, r, out, dataSha);
        } else if (!local && !store.hasRow(trial.sweepName(), trial.trialId())) {
            throw new IllegalStateException("executor " + out.executorId() + " committed trial " + trial.trialId() + " to "
                    + store.rowFile(trial.sweepName(), trial.trialId()) + ", which the driver cannot see: the output must be a "
                    + "file system that the driver and every executor reach at the same path (HDFS, S3, NFS)");
        }
        Double value = finite(r.metric(sweep.objective().metric()));
        if (out.modelPath() != null && value != null) {
            keeper.kept(trial.trialId(), value);
        }
        LOG.info("trial {} {}: {} {} in {} s{}", trial.trialId(), r.status(), sweep.objective().metric().key(), value,
                String.format("%.1f", r.trainSeconds()), r.error() == null ? "" : " (" + r.error().lines().findFirst().orElse("") + ")");
        progress.finished(trial.trialId(), trial.params().label(), r.status(), value);
        return history.with(new TrialRecord(trial.trialId(), trial.params(), r.status(), r.status().trained() ? value : null,
                r.history().size(), r.history().stream().map(m -> m.metric(sweep.objective().metric())).toList(),
                trial.origin().suggestion()));
    }

    /** A trial whose task never came back (every attempt lost): the driver writes its FAILED row itself. */
    private void commitOnDriver(Leaderboard store, TrialSpec trial, TrialResult r, TrialOutcome out, String dataSha) {
        LeaderboardRow row = LeaderboardRow.of(trial, r, new LeaderboardRow.Placement(out.executorId(), out.device(), dataSha, null,
                Engine.VERSION, spark.version()));
        store.commit(row, List.of());
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
