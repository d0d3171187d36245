package io.sparksweep.core.spec;

import java.util.ArrayList;
import java.util.List;

/** The values one search dimension may take. */
public sealed interface Domain {

    /** The points a grid search takes, in order: a choice as written; a range as evenly spaced points, ends included. */
    List<Object> gridValues();

    /** How many distinct values random search can draw: a choice's size, an integer range's width, or none for a continuous range. */
    java.util.OptionalLong distinctValues();

    /** An explicit list, enumerated in the order written. */
    record Choice(List<Object> values) implements Domain {
        public Choice {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a choice needs at least one value");
            }
        }

        @Override
        public List<Object> gridValues() {
            return values;
        }

        @Override
        public java.util.OptionalLong distinctValues() {
            return java.util.OptionalLong.of(values.size());
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

        @Override
        public List<Object> gridValues() {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < gridPoints; i++) {
                double t = i / (double) (gridPoints - 1);
                double v = log ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min);
                out.add(i == gridPoints - 1 ? max : v);
            }
            return out;
        }

        @Override
        public java.util.OptionalLong distinctValues() {
            return java.util.OptionalLong.empty();
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

        @Override
        public List<Object> gridValues() {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < gridPoints; i++) {
                int v = (int) Math.round(min + i * (max - min) / (double) (gridPoints - 1));
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
            return out;
        }

        @Override
        public java.util.OptionalLong distinctValues() {
            return java.util.OptionalLong.of((long) max - min + 1);
        }
    }
}
