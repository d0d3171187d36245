package io.sparksweep.spark.exec;

import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;

import java.io.Serializable;
import java.util.function.DoublePredicate;

/**
 * Trains one trial on an executor. The engine's is {@link DataSetTrainer} (sweep-core's trial runner on
 * the JVM's shared data set); benchmarks of the driver loop plug in one that trains nothing.
 */
public interface Trainer extends Serializable {

    /**
     * What training produced: the result and, when it was wanted, the DL4J model file.
     *
     * @param result the trial's frozen result
     * @param model  the model file's bytes, or null
     */
    record Trained(TrialResult result, byte[] model) {
    }

    /**
     * @param trial      the trial to train
     * @param dataSha256 the data set's content hash the driver planned with
     * @param keepModel  asked with the trial's objective value once it trained: whether its model file is wanted
     */
    Trained train(TrialSpec trial, String dataSha256, DoublePredicate keepModel);
}
