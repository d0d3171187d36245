package io.sparksweep.core.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * How trials are scheduled: all their epochs at once, or in segments with a decision between them.
 * The sweep file's {@code scheduler:} section.
 */
public sealed interface SchedulerSpec {

    String type();

    /** Every trial trains all of its epochs in one segment (the default). */
    record None() implements SchedulerSpec {
        @Override
        public String type() {
            return "none";
        }
    }

    /**
     * Asynchronous successive halving, the pausing variant (Li et al. 2020, Algorithm 2): trials pause at
     * rungs of {@code minEpochs * reductionFactor^k} epochs, up to {@code training.epochs} (the top rung), and
     * the best {@code 1 / reductionFactor} of each rung go on from their checkpoints.
     */
    record Asha(int minEpochs, int reductionFactor) implements SchedulerSpec {
        public Asha {
            if (minEpochs < 1 || reductionFactor < 2) {
                throw new IllegalArgumentException("asha needs min_epochs >= 1 and reduction_factor >= 2, found "
                        + minEpochs + " and " + reductionFactor);
            }
        }

        @Override
        public String type() {
            return "asha";
        }

        /** The rungs, in epochs, for trials of {@code epochs} epochs: min·η^k below the top, then the top. */
        public List<Integer> rungs(int epochs) {
            List<Integer> out = new ArrayList<>();
            for (long r = minEpochs; r < epochs; r *= reductionFactor) {
                out.add((int) r);
            }
            out.add(epochs);
            return out;
        }
    }

    /** The median stopping rule: after {@code graceEpochs}, a trial below the median of the others at the same epoch stops. */
    record Median(int graceEpochs) implements SchedulerSpec {
        public Median {
            if (graceEpochs < 1) {
                throw new IllegalArgumentException("median needs grace_epochs >= 1, found " + graceEpochs);
            }
        }

        @Override
        public String type() {
            return "median";
        }
    }
}
