package io.sparksweep.spark.exec;

import io.sparksweep.core.trial.TrialResult;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a {@link TrialTask} sends back to the driver: the trial's result, where it ran and, for a trial
 * that trained, its DL4J model file (the driver keeps it only if the trial ranks in the best K).
 */
public record TrialOutcome(TrialResult result, String executorId, String device, byte[] model) implements Serializable {

    public TrialOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(executorId, "executorId");
        Objects.requireNonNull(device, "device");
    }
}
