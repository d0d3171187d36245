package io.sparksweep.core.train;

import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.fastpath.FastPath;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialStatus;

import io.sparksweep.core.model.NetworkFactory;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains one trial, or one segment of it: builds its network ({@link NetworkFactory}) or restores it from its
 * {@link Checkpoint}, runs the epochs over the shared {@link PreparedData}, evaluates validation and test
 * accuracy after each, and returns a frozen {@link TrialResult} (the leaderboard row's content). Nothing
 * escapes: a trial that throws is a FAILED result with the error text, one whose loss turns NaN or infinite
 * is DIVERGED at once.
 */
public final class TrialRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);
    private static final int MAX_ERROR_CHARS = 4000;
    private final Clock clock;

    public TrialRunner(Clock clock) {
        this.clock = clock;
    }

    /** All of a trial's epochs, from a new network. */
    public TrialResult run(TrialSpec trial, PreparedData data) {
        return run(Segment.whole(trial), data, null, net -> { });
    }

    /**
     * One segment of a trial: from a new network (a segment from epoch 0) or from the trial's checkpoint at
     * {@code segment.from()}, to epoch {@code segment.to()}. Each epoch's data order and random numbers
     * (dropout) derive from the trial seed and the epoch number, and the checkpoint carries the updater's
     * state and the epoch and iteration counters, so a trial trained in segments ends where one trained
     * straight ends. The result is the whole trial's so far: the earlier epochs and this segment's; it is
     * PAUSED when the segment ends before the trial's planned epochs.
     *
     * @param from      the checkpoint at {@code segment.from()}, or null for a segment from epoch 0
     * @param onTrained receives the network after the segment's last epoch, unless it diverged or failed
     */
    public TrialResult run(Segment segment, PreparedData data, Checkpoint from, Consumer<MultiLayerNetwork> onTrained) {
        return run(segment, data, from, onTrained, null);
    }

    /**
     * As {@link #run(Segment, PreparedData, Checkpoint, Consumer)}, and {@code onTestDetail} (unless null)
     * receives what the network gets wrong on the test set, from the segment's last epoch's own test pass.
     */
    public TrialResult run(Segment segment, PreparedData data, Checkpoint from, Consumer<MultiLayerNetwork> onTrained,
                           Consumer<Evaluator.TestDetail> onTestDetail) {
        TrialSpec trial = segment.trial();
        Instant started = segment.startedAt() != null ? segment.startedAt() : clock.instant();
        List<EpochMetrics> history = new ArrayList<>(segment.before());
        try {
            if ((from == null) != (segment.from() == 0)) {
                throw new IllegalArgumentException("a segment from epoch " + segment.from() + " of trial " + trial.trialId()
                        + (from == null ? " needs its checkpoint" : " starts from a new network, not a checkpoint"));
            }
            if (from != null && (!from.trialId().equals(trial.trialId()) || from.epochsDone() != segment.from())) {
                throw new IllegalArgumentException("the checkpoint of trial " + from.trialId() + " at epoch " + from.epochsDone()
                        + " cannot resume trial " + trial.trialId() + " at epoch " + segment.from());
            }
            Nd4j.getRandom().setSeed(trial.seed());
            MultiLayerNetwork net = from == null
                    ? NetworkFactory.build(trial.params(), trial.training().schedule(), trial.seed())
                    : from.restore();
            net.setEpochCount(segment.from());
            FastPath.TrainingStep step = FastPath.step(net, trial.params().batchSize());
            LOG.debug("trial {} trains epochs {} to {} with {}", trial.trialId(), segment.from() + 1, segment.to(), step.describe());
            for (int epoch = segment.from(); epoch < segment.to(); epoch++) {
                Nd4j.getRandom().setSeed(epochSeed(trial.seed(), epoch));
                EpochMetrics m = trainEpoch(trial, data, net, step, epoch, clock, epoch == segment.to() - 1 ? onTestDetail : null);
                if (m == null) {
                    return result(trial, TrialStatus.DIVERGED, "training loss became NaN or infinite in epoch " + (epoch + 1)
                            + " (learning rate " + trial.training().schedule().rateAt(trial.params().learningRate(), epoch) + ")",
                            history, started);
                }
                history.add(m);
                LOG.debug("trial {} epoch {}: loss {} val {} test {} ({} samples/s)", trial.trialId(), m.epoch(),
                        m.trainLoss(), m.valAccuracy(), m.testAccuracy(), m.samplesPerSecond());
            }
            onTrained.accept(net);
            return result(trial, segment.last() ? TrialStatus.COMPLETED : TrialStatus.PAUSED, null, history, started);
        } catch (Exception | OutOfMemoryError | LinkageError | StackOverflowError e) {
            LOG.warn("trial {} failed: {}", trial.trialId(), e.toString());
            return result(trial, TrialStatus.FAILED, describe(e), history, started);
        }
    }

    /** The seed of epoch {@code epoch}'s random numbers (data order, dropout): the trial's and the epoch's alone. */
    public static long epochSeed(long trialSeed, int epoch) {
        return trialSeed + epoch * 0x9E3779B97F4A7C15L;
    }

    /**
     * One epoch of training and evaluation, or null when the loss stopped being finite; {@code testDetail}
     * (unless null) receives the test pass's detail.
     */
    private static EpochMetrics trainEpoch(TrialSpec trial, PreparedData data, MultiLayerNetwork net, FastPath.TrainingStep step, int epoch,
                                           Clock clock, Consumer<Evaluator.TestDetail> testDetail) {
        int n = data.trainSize();
        int batch = trial.params().batchSize();
        int[] order = PreparedData.permutation(n, new Random(epochSeed(trial.seed(), epoch)));
        double lossSum = 0;
        long t0 = System.nanoTime();
        PreparedData.TrainBatches batches = data.batches(batch);
        for (int start = 0; start < n; start += batch) {
            DataSet b = batches.gather(order, start);
            int count = b.numExamples();
            double loss = step.fit(b);
            if (!Double.isFinite(loss)) {
                return null;
            }
            lossSum += loss * count;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        net.incrementEpochCount();
        int evalBatch = trial.training().evalBatchSize();
        Evaluator.Score val = Evaluator.evaluate(net, data.valX(), data.valY(), data.valLabels(), evalBatch);
        // The test pass also counts the confusion and keeps the first images' predictions, which a kept model's
        // report shows: a few counts per image, where a pass of its own would run the network over the set again.
        Evaluator.Score test = Evaluator.evaluate(net, data.testX(), data.testY(), data.testLabels(), evalBatch, testDetail);
        double lr = trial.training().schedule().rateAt(trial.params().learningRate(), epoch);
        return new EpochMetrics(epoch + 1, lr, lossSum / n, val.accuracy(), val.loss(), test.accuracy(), test.loss(),
                seconds, n / seconds, clock.instant());
    }

    private TrialResult result(TrialSpec trial, TrialStatus status, String error, List<EpochMetrics> history, Instant started) {
        EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
        double seconds = history.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
        double samples = history.stream().mapToDouble(m -> m.samplesPerSecond() * m.trainSeconds()).sum();
        RunEnvironment env;
        try {
            env = RunEnvironment.capture();
        } catch (RuntimeException | LinkageError e) {
            env = new RunEnvironment("unknown", ProcessHandle.current().pid(), Runtime.version().toString(), "unknown",
                    "unavailable: " + e, "unknown", 0);
        }
        return new TrialResult(trial.trialId(), status, error, history,
                last == null ? Double.NaN : last.valAccuracy(), last == null ? Double.NaN : last.valLoss(),
                last == null ? Double.NaN : last.testAccuracy(), last == null ? Double.NaN : last.testLoss(),
                seconds, seconds > 0 ? samples / seconds : Double.NaN, started, clock.instant(), trial.seed(), env);
    }

    /** The exception and its causes, one line each, short enough for a leaderboard cell. */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            b.append("\ncaused by: ").append(c);
        }
        StackTraceElement[] frames = e.getStackTrace();
        if (frames.length > 0) {
            b.append("\nat ").append(frames[0]);
        }
        return b.length() > MAX_ERROR_CHARS ? b.substring(0, MAX_ERROR_CHARS) : b.toString();
    }
}
