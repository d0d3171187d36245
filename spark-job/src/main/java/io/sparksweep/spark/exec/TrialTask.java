package io.sparksweep.spark.exec;

import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.train.TrialControl;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.train.TrialRunner;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Spark task of one trial, run on an executor: takes the JVM's shared data set
 * ({@link ExecutorData}), sizes ND4J's threads, trains the trial with sweep-core's
 * {@link TrialRunner} and returns a {@link TrialOutcome}. It never throws: a failure is a FAILED result.
 */
public final class TrialTask implements Function<TrialSpec, TrialOutcome> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrialTask.class);

    private final String dataSha256;
    private final int threads;
    private final List<String> localDevices;
    private final int trialsPerDevice;
    private final boolean returnsModels;

    /**
     * @param localDevices    device addresses that local mode leases to trials (empty: none, or every
     *                        visible GPU on the CUDA backend); Spark's own GPU addresses take precedence
     * @param trialsPerDevice how many trials share one leased device at most
     * @param returnsModels   whether the trained model travels back to the driver (not when it keeps none:
     *                        serialising the tutorial MLP takes 170-420 ms and 2.5 MB)
     */
    public TrialTask(String dataSha256, int threads, List<String> localDevices, int trialsPerDevice, boolean returnsModels) {
        this.dataSha256 = dataSha256;
        this.threads = threads;
        this.localDevices = List.copyOf(localDevices);
        this.trialsPerDevice = trialsPerDevice;
        this.returnsModels = returnsModels;
    }

    /** Local mode's device pool: the listed devices, or every GPU the CUDA backend sees; none on the CPU without a list. */
    private DevicePool localPool(DeviceBinding binding) {
        List<String> devices = localDevices;
        if (devices.isEmpty() && binding instanceof DeviceBinding.Cuda) {
            int n = Nd4j.getAffinityManager().getNumberOfDevices();
            devices = java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf).toList();
        }
        return devices.isEmpty() ? null : DevicePool.shared(devices, trialsPerDevice);
    }

    @Override
    public TrialOutcome call(TrialSpec trial) {
        MDC.put("sweep", trial.sweepName());
        MDC.put("trial", trial.trialId());
        String executorId = SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId();
        Clock clock = Clock.systemUTC();
        DeviceBinding binding = DeviceBinding.forBackend();
        String address = DeviceBinding.sparkAddress();
        DevicePool pool = address == null ? localPool(binding) : null;
        try {
            ThreadBudget.apply(threads);
            if (pool != null) {
                address = pool.lease();
            }
            String device = binding.bind(address);
            PreparedData data;
            try {
                data = ExecutorData.prepared(trial.dataset(), dataSha256, trial.sweepSeed());
            } catch (RuntimeException e) {
                return new TrialOutcome(TrialResult.failedBeforeTraining(trial.trialId(), trial.seed(),
                        "cannot load data set: " + e.getMessage(), clock.instant(), RunEnvironment.capture()), executorId, device, null);
            }
            LOG.debug("trial {} starts on executor {} device {}: {}", trial.trialId(), executorId, device, trial.params().label());
            AtomicReference<byte[]> model = new AtomicReference<>();
            TrialResult result = new TrialRunner(clock).run(trial, data, TrialControl.RUN_TO_END, null,
                    net -> model.set(returnsModels ? Checkpoint.modelBytes(net) : null));
            return new TrialOutcome(result, executorId, device, model.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("trial " + trial.trialId() + " interrupted while waiting for a device", e);
        } finally {
            if (pool != null && address != null) {
                pool.release(address);
            }
            MDC.remove("sweep");
            MDC.remove("trial");
        }
    }
}
