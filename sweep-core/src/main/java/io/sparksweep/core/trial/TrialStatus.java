package io.sparksweep.core.trial;

/**
 * Where a trial stands. Every status but {@link #RUNNING} is a leaderboard row; ask the predicates
 * ({@link #trained()}, {@link #failed()}, {@link #isTerminal()}) rather than comparing statuses.
 */
public enum TrialStatus {
    /** In flight on an executor; only the driver's history holds this status, never a row. */
    RUNNING,
    /** Waiting at a rung of successive halving, its checkpoint kept, until it is promoted or the sweep ends (then STOPPED). */
    PAUSED,
    /** Trained for every planned epoch. */
    COMPLETED,
    /** Stopped early by its scheduler; its metrics are those of its last epoch. */
    STOPPED,
    /** The training loss became NaN or infinite; the trial was stopped at once. */
    DIVERGED,
    /** Something threw: the row's error column says what. */
    FAILED;

    /** Whether the trial trained: it has a model and the metrics of at least its last epoch. */
    public boolean trained() {
        return this == COMPLETED || this == STOPPED || this == PAUSED;
    }

    /** Whether the trial ended without a usable model: FAILED or DIVERGED ({@code --rerun-failed} reruns these). */
    public boolean failed() {
        return this == FAILED || this == DIVERGED;
    }

    /** Whether nothing more will happen to the trial in this sweep. */
    public boolean isTerminal() {
        return this != RUNNING && this != PAUSED;
    }
}
