package io.sparksweep.spark.exec;

import io.sparksweep.core.Engine;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialStatus;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.function.DoublePredicate;

/**
 * The Spark task of one segment of a trial, run on an executor: sizes ND4J's threads to the task's cores
 * ({@link ThreadBudget}), binds the device it was given ({@link DeviceBinding}), loads the trial's
 * checkpoint when the segment resumes it, trains with its {@link Trainer}, and commits the segment itself
 * (the new checkpoint when the trial pauses, the model when it ranks among the best kept, the segment's
 * epochs, then the row; the old checkpoint last), so that the driver only decides. A trial that fails is a
 * FAILED row; the task itself throws only when it cannot write its files or is interrupted waiting for a
 * device, and Spark then retries it (a retry rewrites the same files).
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

    /** Writes the segment's epochs (those after its start) and then the trial's row, which marks where it stands. */
    private static TrialOutcome commit(Leaderboard store, Work work, TrialResult r, String modelPath, String executorId, String device) {
        TrialSpec trial = work.trial();
        LeaderboardRow row = LeaderboardRow.of(trial, r, new LeaderboardRow.Placement(executorId, device, work.dataSha256(),
                modelPath, Engine.VERSION, org.apache.spark.package$.MODULE$.SPARK_VERSION()), work.rungOf(r.history().size()));
        List<EpochRow> epochs = r.history().stream().filter(m -> m.epoch() > work.segment().from())
                .map(m -> new EpochRow(trial.sweepName(), trial.trialId(), m)).toList();
        store.commit(row, epochs, work.segment().from());
        return new TrialOutcome(r, executorId, device, modelPath, true);
    }

    /** A segment that could not start: the trial FAILED where it stood. */
    private static TrialResult failed(Segment segment, String error) {
        java.time.Instant now = java.time.Instant.now();
        TrialSpec t = segment.trial();
        EpochMetrics last = segment.before().isEmpty() ? null : segment.before().get(segment.before().size() - 1);
        return new TrialResult(t.trialId(), TrialStatus.FAILED, error, segment.before(),
                last == null ? Double.NaN : last.valAccuracy(), last == null ? Double.NaN : last.valLoss(),
                last == null ? Double.NaN : last.testAccuracy(), last == null ? Double.NaN : last.testLoss(),
                segment.before().stream().mapToDouble(EpochMetrics::trainSeconds).sum(), Double.NaN,
                segment.startedAt() != null ? segment.startedAt() : now, now, t.seed(), RunEnvironment.capture());
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
            Segment segment = work.segment();
            LOG.debug("trial {} starts epochs {} to {} on executor {} device {}: {}", trial.trialId(), segment.from() + 1, segment.to(),
                    executorId, device, trial.params().label());
            Leaderboard store = Leaderboard.onThisJvm(output);
            DoublePredicate kept = value -> work.modelKept()
                    || (work.keepModel() && (work.keepAbove() == null || trial.objective().isBetter(value, work.keepAbove())));
            Checkpoint from;
            try {
                from = segment.from() == 0 ? null : store.readCheckpoint(trial.sweepName(), trial.trialId(), segment.from());
            } catch (RuntimeException e) {
                return commit(store, work, failed(segment, "cannot resume from its checkpoint at epoch " + segment.from() + ": "
                        + e.getMessage()), null, executorId, device);
            }
            boolean pausing = segment.checkpoint() && !segment.last();
            Trainer.Trained trained = trainer.train(segment, from, work.dataSha256(), value -> pausing || kept.test(value), kept);
            TrialResult r = trained.result();
            byte[] network = trained.model();
            if (network != null && r.status() == TrialStatus.PAUSED && pausing) {
                store.writeCheckpoint(trial.sweepName(), trial.trialId(), segment.to(), network);
            }
            double value = r.metric(trial.objective().metric());
            String modelPath = null;
            if (network != null && r.status().trained() && Double.isFinite(value) && kept.test(value)) {
                modelPath = store.writeModel(trial.sweepName(), trial.trialId(), network);
                if (trained.detail() != null) {
                    store.writeTestDetail(trial.sweepName(), trial.trialId(), trained.detail(), trial.dataset());
                }
            }
            TrialOutcome out = commit(store, work, r, modelPath, executorId, device);
            if (from != null) {
                // Only now that the row says where the trial stands: a kill before this keeps the checkpoint it names.
                store.deleteCheckpoint(trial.sweepName(), trial.trialId(), segment.from());
            }
            return out;
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
