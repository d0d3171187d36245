package io.sparksweep.spark.exec;

import io.sparksweep.core.trial.TrialSpec;

import java.io.Serializable;
import java.util.Objects;

/**
 * One Spark task's worth of work: a trial to train, and what the driver knows that the executor needs
 * to commit it itself.
 *
 * @param trial      the trial
 * @param dataSha256 the data set's content hash the driver planned with
 * @param keepModel  whether the sweep keeps model files at all
 * @param keepAbove  the objective a trained model must beat to be kept (the worst of the best K so far), or
 *                   null while fewer than K are kept
 */
public record Work(TrialSpec trial, String dataSha256, boolean keepModel, Double keepAbove) implements Serializable {
    public Work {
        Objects.requireNonNull(trial, "trial");
        Objects.requireNonNull(dataSha256, "dataSha256");
    }
}
