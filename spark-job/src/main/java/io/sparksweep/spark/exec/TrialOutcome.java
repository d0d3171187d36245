package io.sparksweep.spark.exec;

import io.sparksweep.core.trial.TrialResult;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a {@link TrialTask} sends back to the driver once it has committed the trial: its result, where it
 * ran, and the model file it kept (null when it kept none).
 *
 * @param result     the trial's result
 * @param executorId the executor that trained it
 * @param device     the device it trained on, as its row says
 * @param modelPath  the model file written beside the leaderboard, or null
 * @param committed  whether the executor wrote the trial's rows (false when the task failed before it could)
 */
public record TrialOutcome(TrialResult result, String executorId, String device, String modelPath, boolean committed) implements Serializable {

    public TrialOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(executorId, "executorId");
        Objects.requireNonNull(device, "device");
    }
}
