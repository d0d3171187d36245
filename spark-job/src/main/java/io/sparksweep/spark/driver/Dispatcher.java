package io.sparksweep.spark.driver;

import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.exec.TrialOutcome;
import io.sparksweep.spark.exec.TrialTask;
import io.sparksweep.spark.exec.Work;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs work on Spark: each piece is a Spark job of one task ({@link TrialTask}), at most {@code slots} at
 * once, and {@link #take} hands back each outcome as it arrives. A task that fails on every attempt (a
 * lost executor each time, a JVM crash) comes back as a FAILED outcome that no executor committed.
 */
final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_ERROR_CHARS = 4000;

    /** A piece of work and what became of it. */
    record Finished(Work work, TrialOutcome outcome) {
    }

    private final SparkSession spark;
    private final TrialTask task;
    private final int slots;
    private final Clock clock;
    private final ExecutorService pool;
    private final CompletionService<Finished> done;
    private int inFlight;

    Dispatcher(SparkSession spark, TrialTask task, String sweep, int slots, Clock clock) {
        this.spark = spark;
        this.task = task;
        this.slots = slots;
        this.clock = clock;
        AtomicInteger threadNo = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(slots, r -> {
            Thread th = new Thread(r, "sweep-" + sweep + "-" + threadNo.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        this.done = new ExecutorCompletionService<>(pool);
    }

    boolean hasFreeSlot() {
        return inFlight < slots;
    }

    int inFlight() {
        return inFlight;
    }

    void submit(Work work) {
        inFlight++;
        TrialSpec trial = work.trial();
        done.submit(() -> {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            MDC.put("sweep", trial.sweepName());
            MDC.put("trial", trial.trialId());
            jsc.setJobGroup(trial.sweepName() + ":" + trial.trialId(),
                    "sweep " + trial.sweepName() + " trial " + (trial.origin().suggestion() + 1) + " " + trial.params().label(), true);
            try {
                LOG.info("trial {} started: {}", trial.trialId(), trial.params().label());
                return new Finished(work, jsc.parallelize(List.of(work), 1).map(task).collect().get(0));
            } catch (RuntimeException e) {
                String error = "Spark task failed: " + e.getMessage();
                return new Finished(work, new TrialOutcome(TrialResult.failedBeforeTraining(trial.trialId(), trial.seed(),
                        error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error, clock.instant(),
                        RunEnvironment.capture()), "none", "none", null, false));
            } finally {
                jsc.clearJobGroup();
                MDC.remove("trial");
            }
        });
    }

    /** Waits for the next piece of work to finish. */
    Finished take() throws InterruptedException {
        try {
            Finished f = done.take().get();
            inFlight--;
            return f;
        } catch (ExecutionException e) {
            inFlight--;
            throw new IllegalStateException("the driver's dispatch thread failed", e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
