package io.sparksweep.core.train;

import io.sparksweep.core.trial.EpochMetrics;

import io.sparksweep.core.trial.TrialSpec;

import java.util.function.Supplier;

/**
 * The hook between epochs: a scheduler (early stopping, successive halving) decides whether a trial
 * goes on, and may take a {@link Checkpoint} to pause it and resume it later.
 */
@FunctionalInterface
public interface TrialControl {

    enum Decision { CONTINUE, STOP }

    TrialControl RUN_TO_END = (trial, metrics, checkpoint) -> Decision.CONTINUE;

    /**
     * Called after every epoch that finished with a finite loss.
     *
     * @param checkpoint takes a snapshot of the model and optimizer state at this epoch boundary when called
     */
    Decision afterEpoch(TrialSpec trial, EpochMetrics metrics, Supplier<Checkpoint> checkpoint);
}
