package io.sparksweep.core.spec;

import java.util.Objects;

/**
 * How every trial of a sweep trains.
 *
 * @param epochs        full passes over the training split
 * @param schedule      how the learning rate changes between epochs
 * @param evalBatchSize batch size for validation and test evaluation (speed only; results do not depend on it)
 */
public record TrainingSpec(int epochs, LrSchedule schedule, int evalBatchSize) implements java.io.Serializable {

    public TrainingSpec {
        Objects.requireNonNull(schedule, "schedule");
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, found " + epochs);
        }
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("evalBatchSize must be >= 1, found " + evalBatchSize);
        }
    }

    public String canonical() {
        return "epochs=" + epochs + ";lr_schedule=" + schedule.canonical();
    }
}
