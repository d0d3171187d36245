package io.sparksweep.spark.driver;

import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.exec.TrialOutcome;
import io.sparksweep.spark.exec.TrialTask;
import io.sparksweep.spark.exec.Work;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.concurrent.ExecutionContext;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import scala.util.Try;

import java.io.Serializable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.IntStream;

/**
 * Runs work on Spark, at most {@code slots} pieces at once, and hands back each outcome as its task ends
 * ({@link #take}), whatever else its Spark job still runs. Each piece is one task ({@link TrialTask}); the
 * pieces submitted together are one Spark job of one task each (Spark's per-job cost, not the tasks',
 * bounds how many trials a second a driver dispatches). A job that fails (a task lost on every attempt
 * aborts its whole job) does not take its siblings with it: each piece that had not come back runs again
 * as a job of its own, and one that fails alone comes back as a FAILED outcome that no executor committed.
 */
final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_ERROR_CHARS = 4000;

    /** A piece of work and what became of it. */
    record Finished(Work work, TrialOutcome outcome) {
    }

    /** What the Spark scheduler's callbacks report to the driver thread. */
    private sealed interface Event {
    }

    private record Done(Work work, TrialOutcome outcome) implements Event {
    }

    private record JobEnded(Batch batch, Throwable failure) implements Event {
    }

    /** The pieces of one job and which of them came back. */
    private static final class Batch {
        final List<Work> works;
        final boolean[] back;

        Batch(List<Work> works) {
            this.works = List.copyOf(works);
            this.back = new boolean[works.size()];
        }
    }

    private final SparkContext sc;
    private final TrialTask task;
    private final String sweep;
    private final int slots;
    private final Clock clock;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private int inFlight;

    Dispatcher(SparkSession spark, TrialTask task, String sweep, int slots, Clock clock) {
        this.sc = spark.sparkContext();
        this.task = task;
        this.sweep = sweep;
        this.slots = slots;
        this.clock = clock;
    }

    int freeSlots() {
        return slots - inFlight;
    }

    int inFlight() {
        return inFlight;
    }

    /** Submits {@code works} as one Spark job of one task each. */
    void submit(List<Work> works) {
        if (works.isEmpty()) {
            return;
        }
        inFlight += works.size();
        for (Work w : works) {
            LOG.info("trial {} started: {}", w.trial().trialId(), w.trial().params().label());
        }
        run(new Batch(works));
    }

    private void run(Batch batch) {
        JavaRDD<Work> rdd = JavaSparkContext.fromSparkContext(sc).parallelize(batch.works, batch.works.size());
        sc.setJobGroup(group(), description(batch), true);
        try {
            RDD<Work> r = rdd.rdd();
            List<Object> partitions = new ArrayList<>(IntStream.range(0, batch.works.size()).boxed().toList());
            var action = sc.submitJob(r, new RunPartition(task), scala.collection.JavaConverters.asScalaBuffer(partitions).toSeq(),
                    new OnResult(batch, events), new Nothing());
            action.onComplete(new OnJobEnd(batch, events), ExecutionContext.global());
        } finally {
            sc.clearJobGroup();
        }
    }

    private String group() {
        return "sparksweep:" + sweep;
    }

    private static String description(Batch batch) {
        TrialSpec first = batch.works.get(0).trial();
        return "sweep " + first.sweepName() + ": " + (batch.works.size() == 1
                ? "trial " + (first.origin().suggestion() + 1) + " " + first.params().label()
                : batch.works.size() + " trials from " + (first.origin().suggestion() + 1));
    }

    /** Waits for the next piece of work to come back. */
    Finished take() throws InterruptedException {
        while (true) {
            Event e = events.take();
            if (e instanceof Done d) {
                inFlight--;
                return new Finished(d.work(), d.outcome());
            }
            JobEnded end = (JobEnded) e;
            if (end.failure() == null) {
                continue;
            }
            for (int i = 0; i < end.batch().works.size(); i++) {
                if (end.batch().back[i]) {
                    continue;
                }
                Work w = end.batch().works.get(i);
                if (end.batch().works.size() > 1) {
                    LOG.info("trial {}: its job failed ({}); it runs again as a job of its own", w.trial().trialId(), end.failure().toString());
                    run(new Batch(List.of(w)));
                } else {
                    events.add(new Done(w, failed(w, end.failure())));
                }
            }
        }
    }

    /** Whether an outcome is waiting, so that the driver takes several before it asks for new work. */
    boolean hasWaiting() {
        return events.stream().anyMatch(e -> e instanceof Done);
    }

    private TrialOutcome failed(Work w, Throwable e) {
        String error = "Spark task failed: " + e.getMessage();
        TrialSpec t = w.trial();
        return new TrialOutcome(TrialResult.failedBeforeTraining(t.trialId(), t.seed(),
                error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error, clock.instant(),
                RunEnvironment.capture()), "none", "none", null, false);
    }

    @Override
    public void close() {
        // Jobs still running belong to this sweep only: cancel them so that no executor trains for nobody.
        if (inFlight > 0) {
            sc.cancelJobGroup(group());
        }
    }

    /** The task side of a job: one partition is one piece of work. */
    private static final class RunPartition extends AbstractFunction1<Iterator<Work>, TrialOutcome> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final TrialTask task;

        RunPartition(TrialTask task) {
            this.task = task;
        }

        @Override
        public TrialOutcome apply(Iterator<Work> works) {
            return task.call(works.next());
        }
    }

    /** Runs on Spark's scheduler thread as each task ends: hands the outcome to the driver thread. */
    private static final class OnResult extends AbstractFunction2<Object, TrialOutcome, BoxedUnit> {
        private final Batch batch;
        private final BlockingQueue<Event> events;

        OnResult(Batch batch, BlockingQueue<Event> events) {
            this.batch = batch;
            this.events = events;
        }

        @Override
        public BoxedUnit apply(Object partition, TrialOutcome outcome) {
            int i = (Integer) partition;
            batch.back[i] = true;
            events.add(new Done(batch.works.get(i), outcome));
            return BoxedUnit.UNIT;
        }
    }

    private static final class OnJobEnd extends AbstractFunction1<Try<BoxedUnit>, BoxedUnit> {
        private final Batch batch;
        private final BlockingQueue<Event> events;

        OnJobEnd(Batch batch, BlockingQueue<Event> events) {
            this.batch = batch;
            this.events = events;
        }

        @Override
        public BoxedUnit apply(Try<BoxedUnit> result) {
            events.add(new JobEnded(batch, result.isFailure() ? result.failed().get() : null));
            return BoxedUnit.UNIT;
        }
    }

    private static final class Nothing extends AbstractFunction0<BoxedUnit> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }
}
