package io.sparksweep.spark;

import io.sparksweep.core.plan.TrialSpec;
import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.train.PreparedData;
import io.sparksweep.core.train.RunEnvironment;
import io.sparksweep.core.train.TrialControl;
import io.sparksweep.core.train.TrialResult;
import io.sparksweep.core.train.TrialRunner;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Spark task of one trial, run on an executor: takes the JVM's shared data set
 * ({@link ExecutorData}), sizes ND4J's threads, trains the trial with sweep-core's
 * {@link TrialRunner} and returns a {@link TrialOutcome}. It never throws: a failure is a FAILED result.
 */
final class TrialTask implements Function<TrialSpec, TrialOutcome> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrialTask.class);

    private final String dataSha256;
    private final int threads;

    TrialTask(String dataSha256, int threads) {
        this.dataSha256 = dataSha256;
        this.threads = threads;
    }

    @Override
    public TrialOutcome call(TrialSpec trial) {
        MDC.put("sweep", trial.sweepName());
        MDC.put("trial", trial.trialId());
        String executorId = SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId();
        Clock clock = Clock.systemUTC();
        try {
            ThreadBudget.apply(threads);
            PreparedData data;
            try {
                data = ExecutorData.prepared(trial.dataset(), dataSha256, trial.sweepSeed());
            } catch (RuntimeException e) {
                return new TrialOutcome(TrialResult.failedBeforeTraining(trial.trialId(), trial.seed(),
                        "cannot load data set: " + e.getMessage(), clock.instant(), RunEnvironment.capture()), executorId, "cpu", null);
            }
            LOG.debug("trial {} starts on executor {}: {}", trial.trialId(), executorId, trial.params().label());
            AtomicReference<byte[]> model = new AtomicReference<>();
            TrialResult result = new TrialRunner(clock).run(trial, data, TrialControl.RUN_TO_END, null,
                    net -> model.set(Checkpoint.modelBytes(net)));
            return new TrialOutcome(result, executorId, "cpu", model.get());
        } finally {
            MDC.remove("sweep");
            MDC.remove("trial");
        }
    }
}
