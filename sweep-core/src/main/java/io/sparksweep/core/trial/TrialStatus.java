package io.sparksweep.core.trial;

import io.sparksweep.core.train.TrialControl;

/** How a trial ended. Every status is a leaderboard row; only COMPLETED rows are skipped on resume. */
public enum TrialStatus {
    /** Trained for every planned epoch. */
    COMPLETED,
    /** Stopped early by its {@link TrialControl} (early stopping); its metrics are those of the last epoch. */
    STOPPED,
    /** The training loss became NaN or infinite; the trial was stopped at once. */
    DIVERGED,
    /** Something threw: the row's error column says what. */
    FAILED
}
