package io.sparksweep.spark.exec;

import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.train.Evaluator;
import io.sparksweep.core.train.TrialRunner;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoublePredicate;

/** sweep-core's {@link TrialRunner} on this JVM's copy of the trial's data set ({@link ExecutorData}). */
public final class DataSetTrainer implements Trainer {

    private static final long serialVersionUID = 1L;

    @Override
    public Trained train(Segment segment, Checkpoint from, String dataSha256, DoublePredicate keep, DoublePredicate describe) {
        TrialSpec trial = segment.trial();
        Clock clock = Clock.systemUTC();
        PreparedData data;
        try {
            data = ExecutorData.prepared(trial.dataset(), dataSha256, trial.sweepSeed());
        } catch (RuntimeException e) {
            return new Trained(TrialResult.failedBeforeTraining(trial.trialId(), trial.seed(), "cannot load data set: " + e.getMessage(),
                    clock.instant(), RunEnvironment.capture()), null);
        }
        AtomicReference<MultiLayerNetwork> net = new AtomicReference<>();
        AtomicReference<Evaluator.TestDetail> tested = new AtomicReference<>();
        TrialResult result = new TrialRunner(clock).run(segment, data, from, net::set, tested::set);
        double value = result.metric(trial.objective().metric());
        boolean trained = net.get() != null && result.status().trained() && Double.isFinite(value);
        byte[] model = trained && keep.test(value) ? Checkpoint.modelBytes(net.get()) : null;
        Evaluator.TestDetail detail = trained && describe.test(value) ? tested.get() : null;
        return new Trained(result, model, detail);
    }
}
