package io.sparksweep.core.spec;

import java.util.List;

/** The values one search dimension may take. */
public sealed interface Domain {

    /** An explicit list, enumerated in the order written. */
    record Choice(List<Object> values) implements Domain {
        public Choice {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a choice needs at least one value");
            }
        }
    }

    /**
     * A continuous range; random search samples it (log-uniformly when {@code log}), grid search
     * takes {@code gridPoints} evenly spaced points (in log space when {@code log}), ends included.
     */
    record Range(double min, double max, boolean log, int gridPoints) implements Domain {
        public Range {
            if (!(min < max)) {
                throw new IllegalArgumentException("range min must be < max, found " + min + " and " + max);
            }
            if (log && min <= 0) {
                throw new IllegalArgumentException("a log range needs min > 0, found " + min);
            }
            if (gridPoints < 2) {
                throw new IllegalArgumentException("grid_points must be >= 2, found " + gridPoints);
            }
        }
    }

    /** An integer range, ends included. */
    record IntRange(int min, int max, int gridPoints) implements Domain {
        public IntRange {
            if (!(min < max)) {
                throw new IllegalArgumentException("range min must be < max, found " + min + " and " + max);
            }
            if (gridPoints < 2) {
                throw new IllegalArgumentException("grid_points must be >= 2, found " + gridPoints);
            }
        }
    }
}
