package io.sparksweep.spark.exec;

import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;

/**
 * A test double for the trial runner that trains nothing: each segment "trains" at once with made-up
 * metrics (a smooth function of the trial's learning rate and batch size, so that a sampler has something
 * to model), and no model. The driver loop, the Spark tasks and the commits run for real: it measures the
 * engine's own overhead per trial ({@code sparksweep bench-driver}).
 */
public final class NullTrainer implements Trainer {

    private static final long serialVersionUID = 1L;

    /** The made-up validation accuracy: best at learning rate 0.01 and batch size 64. */
    static double accuracy(TrialSpec trial) {
        double lr = Math.log10(trial.params().learningRate()) + 2;
        double batch = (trial.params().batchSize() - 64) / 128.0;
        return Math.max(0.1, 0.9 - 0.1 * lr * lr - 0.1 * batch * batch);
    }

    @Override
    public Trained train(Segment segment, Checkpoint from, String dataSha256, DoublePredicate keep, DoublePredicate describe) {
        TrialSpec trial = segment.trial();
        Instant now = Instant.now();
        double acc = accuracy(trial);
        List<EpochMetrics> history = new ArrayList<>(segment.before());
        for (int e = segment.from() + 1; e <= segment.to(); e++) {
            history.add(new EpochMetrics(e, trial.params().learningRate(), 1 - acc, acc, 1 - acc, acc, 1 - acc, 0, 0, now));
        }
        RunEnvironment env = new RunEnvironment("bench", ProcessHandle.current().pid(), Runtime.version().toString(), "none",
                "none (NullTrainer)", "none", 1);
        TrialStatus status = segment.last() ? TrialStatus.COMPLETED : TrialStatus.PAUSED;
        return new Trained(new TrialResult(trial.trialId(), status, null, history, acc, 1 - acc, acc, 1 - acc,
                0, Double.NaN, now, now, trial.seed(), env), segment.checkpoint() && !segment.last() ? new byte[]{0} : null);
    }
}
