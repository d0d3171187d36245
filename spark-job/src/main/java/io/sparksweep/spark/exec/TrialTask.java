package io.sparksweep.spark.exec;

import io.sparksweep.core.Engine;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;

/**
 * The Spark task of one trial, run on an executor: sizes ND4J's threads to the task's cores
 * ({@link ThreadBudget}), binds the device it was given ({@link DeviceBinding}), trains the trial with its
 * {@link Trainer}, and commits it itself ({@link Leaderboard#commit}: the epochs, the model when it ranks
 * among the best kept, then the row), so that the driver only decides. A trial that fails is a FAILED row;
 * the task itself throws only when it cannot write its rows or is interrupted waiting for a device, and
 * Spark then retries it (a retry rewrites the same files).
 */
public final class TrialTask implements Function<Work, TrialOutcome> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrialTask.class);

    private final String output;
    private final int threads;
    private final List<String> localDevices;
    private final int trialsPerDevice;
    private final Trainer trainer;

    /**
     * @param output          the sweep's output folder or URI, reachable from every executor
     * @param threads         the task's cores ({@code spark.task.cpus})
     * @param localDevices    device addresses that local mode leases to trials (empty: none, or every
     *                        visible GPU on the CUDA backend); Spark's own GPU addresses take precedence
     * @param trialsPerDevice how many trials share one leased device at most
     * @param trainer         what trains a trial
     */
    public TrialTask(String output, int threads, List<String> localDevices, int trialsPerDevice, Trainer trainer) {
        this.output = output;
        this.threads = threads;
        this.localDevices = List.copyOf(localDevices);
        this.trialsPerDevice = trialsPerDevice;
        this.trainer = trainer;
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
    public TrialOutcome call(Work work) {
        TrialSpec trial = work.trial();
        MDC.put("sweep", trial.sweepName());
        MDC.put("trial", trial.trialId());
        String executorId = SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId();
        DeviceBinding binding = DeviceBinding.forBackend();
        String address = DeviceBinding.sparkAddress();
        DevicePool pool = address == null ? localPool(binding) : null;
        try {
            ThreadBudget.apply(threads);
            if (pool != null) {
                address = pool.lease();
            }
            String device = binding.bind(address);
            LOG.debug("trial {} starts on executor {} device {}: {}", trial.trialId(), executorId, device, trial.params().label());
            Trainer.Trained trained = trainer.train(trial, work.dataSha256(), value -> work.keepModel()
                    && (work.keepAbove() == null || trial.objective().isBetter(value, work.keepAbove())));
            Leaderboard store = Leaderboard.onThisJvm(output);
            String modelPath = trained.model() == null ? null : store.writeModel(trial.sweepName(), trial.trialId(), trained.model());
            TrialResult r = trained.result();
            LeaderboardRow row = LeaderboardRow.of(trial, r, new LeaderboardRow.Placement(executorId, device, work.dataSha256(),
                    modelPath, Engine.VERSION, org.apache.spark.package$.MODULE$.SPARK_VERSION()));
            store.commit(row, r.history().stream().map(m -> new EpochRow(trial.sweepName(), trial.trialId(), m)).toList());
            return new TrialOutcome(r, executorId, device, modelPath, true);
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
