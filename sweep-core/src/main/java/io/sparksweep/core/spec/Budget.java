package io.sparksweep.core.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on a whole sweep.
 *
 * @param maxTrials   at most this many trials are planned (0: no limit)
 * @param maxEpochs   no new segment starts once this many epochs have been trained across all trials (0: no limit)
 * @param maxWallTime no new trial starts after this much time (zero: no limit)
 */
public record Budget(int maxTrials, long maxEpochs, Duration maxWallTime) {

    public static final Budget UNLIMITED = new Budget(0, 0, Duration.ZERO);

    public Budget {
        Objects.requireNonNull(maxWallTime, "maxWallTime");
        if (maxTrials < 0 || maxEpochs < 0) {
            throw new IllegalArgumentException("maxTrials and maxEpochs must be >= 0, found " + maxTrials + " and " + maxEpochs);
        }
        if (maxWallTime.isNegative()) {
            throw new IllegalArgumentException("maxWallTime must not be negative, found " + maxWallTime);
        }
    }

    public boolean limitsEpochs() {
        return maxEpochs > 0;
    }

    public boolean limitsWallTime() {
        return !maxWallTime.isZero();
    }
}
