package io.sparksweep.core.trial;

import java.util.List;
import java.util.Objects;

/**
 * A piece of one trial's training, the unit of work a Spark task does: from epoch {@code from} (0: a new
 * network; otherwise the trial's checkpoint at that epoch) to epoch {@code to}. The trial's earlier epochs
 * come with it, so that its row can say what the whole trial did.
 *
 * @param trial      the trial
 * @param from       the epochs already trained (its checkpoint's epoch), 0 for a new trial
 * @param to         the epoch this segment trains to, at most the trial's planned epochs
 * @param before     the metrics of epochs 1 to {@code from}
 * @param checkpoint whether to keep a checkpoint at {@code to}, for a later segment
 * @param startedAt  when the trial's first segment started, or null for a first segment
 */
public record Segment(TrialSpec trial, int from, int to, List<EpochMetrics> before, boolean checkpoint, java.time.Instant startedAt)
        implements java.io.Serializable {

    public Segment {
        Objects.requireNonNull(trial, "trial");
        before = List.copyOf(before);
        if (from < 0 || to <= from || to > trial.training().epochs()) {
            throw new IllegalArgumentException("a segment runs from an epoch to a later one within the trial's "
                    + trial.training().epochs() + ", found " + from + " to " + to);
        }
        if (before.size() != from) {
            throw new IllegalArgumentException("a segment from epoch " + from + " needs the metrics of " + from + " epochs, found " + before.size());
        }
    }

    /** All of a trial's epochs at once. */
    public static Segment whole(TrialSpec trial) {
        return new Segment(trial, 0, trial.training().epochs(), List.of(), false, null);
    }

    /** Whether this segment ends the trial's planned epochs. */
    public boolean last() {
        return to == trial.training().epochs();
    }
}
