package io.sparksweep.spark.exec;

import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.train.Evaluator;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialResult;

import java.io.Serializable;
import java.util.function.DoublePredicate;

/**
 * Trains one segment of a trial on an executor. The engine's is {@link DataSetTrainer} (sweep-core's trial
 * runner on the JVM's shared data set); tests and the benchmark of the driver loop plug in others.
 */
public interface Trainer extends Serializable {

    /**
     * What training produced: the whole trial's result so far and, when it was wanted, the network's file
     * (DL4J's model file with its updater: the kept model and the checkpoint are the same bytes).
     *
     * @param result the trial's frozen result
     * @param model  the network's file, or null
     * @param detail what the network gets wrong on the test set, when it was wanted (a kept model's), or null
     */
    record Trained(TrialResult result, byte[] model, Evaluator.TestDetail detail) {
        public Trained(TrialResult result, byte[] model) {
            this(result, model, null);
        }
    }

    /**
     * @param segment    the epochs to train
     * @param from       the trial's checkpoint at {@code segment.from()}, or null for a segment from epoch 0
     * @param dataSha256 the data set's content hash the driver planned with
     * @param keep       asked with the trial's objective value once it trained: whether its network's file is wanted
     * @param describe   asked likewise: whether what it gets wrong on the test set is wanted (for a kept model's report)
     */
    Trained train(Segment segment, Checkpoint from, String dataSha256, DoublePredicate keep, DoublePredicate describe);
}
