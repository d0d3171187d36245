package io.sparksweep.spark.driver;

import io.sparksweep.spark.exec.ExecutorData;
import io.sparksweep.spark.exec.TrialOutcome;
import io.sparksweep.spark.exec.TrialTask;
import io.sparksweep.spark.store.Leaderboard;

import io.sparksweep.core.Engine;
import io.sparksweep.core.search.Planner;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialStatus;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver of a sweep: plans it ({@link Planner}), skips trials that already have a row, runs each
 * remaining trial as one Spark task on an executor ({@link TrialTask}) with up to P in flight, and
 * commits every outcome to the {@link Leaderboard} as it arrives, so that a killed driver loses only
 * the trials in flight.
 */
public final class SweepJob {

    private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);

    /**
     * @param output      where the leaderboard, epochs and models go (local path or Hadoop URI)
     * @param parallelism trials in flight at once; 0 for the executors' task slots
     * @param rerunFailed also rerun trials whose row is FAILED or DIVERGED
     * @param keepModels  keep the model files of this many best trials
     * @param progress    where the progress line goes
     * @param live        rewrite one progress line (a terminal) instead of printing a line per trial
     * @param devices     local mode: device addresses to lease to trials (empty: none on the CPU backend, every GPU on CUDA)
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

    private record Finished(TrialSpec trial, TrialOutcome outcome) {
    }

    private final SparkSession spark;
    private final Clock clock;

    public SweepJob(SparkSession spark, Clock clock) {
        this.spark = spark;
        this.clock = clock;
    }

    public Summary run(SweepSpec sweep, Options o) {
        MDC.put("sweep", sweep.name());
        long t0 = System.nanoTime();
        List<TrialSpec> plan = Planner.plan(sweep);
        Leaderboard leaderboard = new Leaderboard(o.output(), spark.sparkContext().hadoopConfiguration());
        Map<String, Leaderboard.Committed> committed = leaderboard.committed(sweep.name());
        List<TrialSpec> todo = plan.stream().filter(t -> mustRun(committed.get(t.trialId()), o.rerunFailed())).toList();
        int skipped = plan.size() - todo.size();
        String dataSha = ExecutorData.load(sweep.dataset().location()).contentSha256();
        int taskCpus = spark.sparkContext().conf().getInt("spark.task.cpus", 1);
        int p = o.parallelism() > 0 ? o.parallelism() : slots(taskCpus);
        LOG.info("sweep {}: {} trials planned, {} already committed, {} to run, {} at a time, output {}",
                sweep.name(), plan.size(), skipped, todo.size(), p, o.output());

        Map<String, Double> keptModels = new HashMap<>();
        committed.values().stream().filter(c -> c.modelPath() != null && c.objective() != null)
                .forEach(c -> keptModels.put(c.trialId(), c.objective()));
        ModelKeeper keeper = new ModelKeeper(leaderboard, sweep.name(), sweep.objective(), o.keepModels(), keptModels);
        Progress progress = new Progress(o.progress(), o.live(), clock, sweep.objective(), todo.size());
        TrialTask task = new TrialTask(dataSha, taskCpus, o.devices(), o.trialsPerDevice(), o.keepModels() > 0);
        Instant deadline = sweep.budget().limitsWallTime() ? clock.instant().plus(sweep.budget().maxWallTime()) : null;

        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, p), r -> {
            Thread th = new Thread(r, "sweep-" + sweep.name() + "-" + threadNo.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        CompletionService<Finished> done = new ExecutorCompletionService<>(pool);
        int completed = 0;
        int failed = 0;
        int ran = 0;
        double trainSeconds = 0;
        try {
            int next = 0;
            int inFlight = 0;
            while (inFlight < p && next < todo.size()) {
                submit(done, todo.get(next++), task, plan.size(), progress);
                inFlight++;
            }
            while (inFlight > 0) {
                Finished f = done.take().get();
                inFlight--;
                ran++;
                boolean pastDeadline = deadline != null && clock.instant().isAfter(deadline);
                if (pastDeadline && next < todo.size()) {
                    LOG.warn("sweep {}: max_wall_time {} reached; {} trials not started (a rerun starts them)",
                            sweep.name(), sweep.budget().maxWallTime(), todo.size() - next);
                    next = todo.size();
                }
                // The freed slot takes the next trial before this one's rows are written: the commit (Parquet
                // files, kept models) took 0.1-0.3 s of the driver, during which the slot stood idle.
                if (next < todo.size()) {
                    submit(done, todo.get(next++), task, plan.size(), progress);
                    inFlight++;
                }
                TrialResult r = f.outcome().result();
                commit(leaderboard, keeper, f, dataSha);
                trainSeconds += r.trainSeconds();
                if (r.status() == TrialStatus.COMPLETED || r.status() == TrialStatus.STOPPED) {
                    completed++;
                } else {
                    failed++;
                }
                progress.finished(f.trial().trialId(), f.trial().params().label(), r.status().name(),
                        finite(r.metric(sweep.objective().metric())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep " + sweep.name() + " interrupted; committed trials are kept, a rerun resumes", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("sweep " + sweep.name() + ": the driver failed; committed trials are kept, a rerun resumes", e.getCause());
        } finally {
            pool.shutdownNow();
            progress.close();
            MDC.remove("sweep");
        }
        return new Summary(sweep.name(), plan.size(), skipped, ran, completed, failed, p,
                (System.nanoTime() - t0) / 1e9, trainSeconds);
    }

    private static boolean mustRun(Leaderboard.Committed c, boolean rerunFailed) {
        if (c == null) {
            return true;
        }
        return rerunFailed && (c.status() == TrialStatus.FAILED || c.status() == TrialStatus.DIVERGED);
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

    private void submit(CompletionService<Finished> done, TrialSpec trial, TrialTask task, int planned, Progress progress) {
        progress.started();
        done.submit(() -> {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            MDC.put("sweep", trial.sweepName());
            MDC.put("trial", trial.trialId());
            jsc.setJobGroup(trial.sweepName() + ":" + trial.trialId(),
                    "sweep " + trial.sweepName() + " trial " + (trial.index() + 1) + "/" + planned + " " + trial.params().label(), true);
            try {
                LOG.info("trial {} started: {}", trial.trialId(), trial.params().label());
                TrialOutcome outcome = jsc.parallelize(List.of(trial), 1).map(task).collect().get(0);
                return new Finished(trial, outcome);
            } catch (RuntimeException e) {
                // The task failed on every attempt (a lost executor each time, a JVM crash): still one row.
                String error = "Spark task failed: " + e.getMessage();
                return new Finished(trial, new TrialOutcome(TrialResult.failedBeforeTraining(trial.trialId(), trial.seed(),
                        error.length() > 4000 ? error.substring(0, 4000) : error, clock.instant(), RunEnvironment.capture()),
                        "none", "none", null));
            } finally {
                jsc.clearJobGroup();
                MDC.remove("trial");
            }
        });
    }

    private void commit(Leaderboard leaderboard, ModelKeeper keeper, Finished f, String dataSha) {
        TrialResult r = f.outcome().result();
        LeaderboardRow row = LeaderboardRow.of(f.trial(), r, new LeaderboardRow.Placement(f.outcome().executorId(),
                f.outcome().device(), dataSha, null, Engine.VERSION, spark.version()));
        boolean trained = r.status() == TrialStatus.COMPLETED || r.status() == TrialStatus.STOPPED;
        String modelPath = trained ? keeper.offer(row.trialId(), row.objective(), f.outcome().model()) : null;
        List<EpochRow> epochs = new ArrayList<>();
        r.history().forEach(m -> epochs.add(new EpochRow(row.sweep(), row.trialId(), m)));
        leaderboard.commit(row.withModelPath(modelPath), epochs);
        keeper.evictBeyondK();
        LOG.info("trial {} {}: val {} test {} in {} s{}", row.trialId(), r.status(), row.valAccuracy(), row.testAccuracy(),
                String.format("%.1f", r.trainSeconds()), r.error() == null ? "" : " (" + r.error().lines().findFirst().orElse("") + ")");
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
