package io.sparksweep.spark.exec;

import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.train.TrialRunner;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.Serializable;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Spark task of a refit, run on an executor like any trial: the trial's configuration trained on every
 * training image (its validation split included) for the refit's epochs, evaluated on the test set; the
 * model file travels back to the driver, which writes it and the refit's row.
 */
public final class RefitTask implements Function<TrialSpec, RefitTask.Outcome> {

    private static final long serialVersionUID = 1L;

    /** What a refit produced: the result (its validation figures are the test set's) and the model file. */
    public record Outcome(TrialResult result, byte[] model, int trainImages, String executorId, String device) implements Serializable {
    }

    private final String dataSha256;
    private final int threads;

    public RefitTask(String dataSha256, int threads) {
        this.dataSha256 = dataSha256;
        this.threads = threads;
    }

    @Override
    public Outcome call(TrialSpec trial) {
        ThreadBudget.apply(threads);
        String device = DeviceBinding.forBackend().bind(DeviceBinding.sparkAddress());
        PreparedData all = ExecutorData.preparedAll(trial.dataset(), dataSha256);
        AtomicReference<MultiLayerNetwork> net = new AtomicReference<>();
        TrialResult r = new TrialRunner(Clock.systemUTC()).run(Segment.whole(trial), all, null, net::set);
        byte[] model = net.get() == null ? null : Checkpoint.modelBytes(net.get());
        return new Outcome(r, model, all.trainSize(), SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId(), device);
    }
}
