package io.sparksweep.core.spec;

import java.util.Objects;

/**
 * What a sweep optimises: a metric and whether higher or lower is better.
 * The default, like the tutorial's question, is to maximise validation accuracy.
 */
public record Objective(Metric metric, Direction direction) implements java.io.Serializable {

    public static final Objective DEFAULT = new Objective(Metric.VAL_ACCURACY, Direction.MAXIMIZE);

    public Objective {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(direction, "direction");
    }

    /** The metrics a trial reports once it has finished. */
    public enum Metric {
        VAL_ACCURACY("val_accuracy"),
        VAL_LOSS("val_loss"),
        TEST_ACCURACY("test_accuracy"),
        TEST_LOSS("test_loss");

        private final String key;

        Metric(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public enum Direction {
        MAXIMIZE("maximize"),
        MINIMIZE("minimize");

        private final String key;

        Direction(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** True when {@code candidate} is strictly better than {@code incumbent}; NaN is never better. */
    public boolean isBetter(double candidate, double incumbent) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        if (Double.isNaN(incumbent)) {
            return true;
        }
        return direction == Direction.MAXIMIZE ? candidate > incumbent : candidate < incumbent;
    }
}
