package io.sparksweep.spark.exec;

import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialSpec;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One Spark task's worth of work: a segment of a trial to train, and what the driver knows that the
 * executor needs to commit it itself.
 *
 * @param segment    the trial and the epochs to train
 * @param dataSha256 the data set's content hash the driver planned with
 * @param keepModel  whether the sweep keeps model files at all
 * @param keepAbove  the objective a trained model must beat to be kept (the worst of the best K so far), or
 *                   null while fewer than K are kept
 * @param modelKept  whether the trial's model is among the kept ones already (a paused trial's, say): its file
 *                   is then replaced by the newer network whatever its value, and the driver re-ranks it
 * @param rungs      the scheduler's rungs in epochs (empty without), for the row's {@code rung}
 */
public record Work(Segment segment, String dataSha256, boolean keepModel, Double keepAbove, boolean modelKept, List<Integer> rungs)
        implements Serializable {
    public Work {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(dataSha256, "dataSha256");
        rungs = List.copyOf(rungs);
    }

    public TrialSpec trial() {
        return segment.trial();
    }

    /** The highest rung a trial of {@code epochsRun} epochs has reached (0-based), or null without rungs. */
    public Integer rungOf(int epochsRun) {
        Integer at = null;
        for (int k = 0; k < rungs.size(); k++) {
            if (epochsRun >= rungs.get(k)) {
                at = k;
            }
        }
        return at;
    }
}
