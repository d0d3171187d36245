package io.sparksweep.core.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer and its own parameters (the learning rate is a separate search dimension).
 * Semantics follow PyTorch's, so that a sweep reproduces the tutorial: {@link Momentum} is
 * {@code torch.optim.SGD(momentum=m)} (heavy-ball), not Nesterov.
 */
public sealed interface OptimizerSpec extends java.io.Serializable {

    /** The name used in sweep files and in the leaderboard's {@code optimizer} column. */
    String type();

    /** The optimizer's own parameters by leaderboard column name, in a fixed order. */
    Map<String, Double> parameters();

    /** A stable text form such as {@code momentum(momentum=0.9)}, part of every trial's id. */
    default String canonical() {
        StringBuilder b = new StringBuilder(type()).append('(');
        String sep = "";
        for (Map.Entry<String, Double> e : parameters().entrySet()) {
            b.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ",";
        }
        return b.append(')').toString();
    }

    /** Plain stochastic gradient descent. */
    record Sgd() implements OptimizerSpec {
        @Override
        public String type() {
            return "sgd";
        }

        @Override
        public Map<String, Double> parameters() {
            return Map.of();
        }
    }

    /** SGD with heavy-ball momentum, as in PyTorch: {@code v = m*v + g; w -= lr*v}. */
    record Momentum(double momentum) implements OptimizerSpec {
        public Momentum {
            requireUnit("momentum", momentum);
        }

        @Override
        public String type() {
            return "momentum";
        }

        @Override
        public Map<String, Double> parameters() {
            return Map.of("momentum", momentum);
        }
    }

    /** SGD with Nesterov momentum (DL4J's Nesterovs updater). */
    record Nesterov(double momentum) implements OptimizerSpec {
        public Nesterov {
            requireUnit("momentum", momentum);
        }

        @Override
        public String type() {
            return "nesterov";
        }

        @Override
        public Map<String, Double> parameters() {
            return Map.of("momentum", momentum);
        }
    }

    record Adam(double beta1, double beta2, double epsilon) implements OptimizerSpec {
        public Adam {
            requireUnit("beta1", beta1);
            requireUnit("beta2", beta2);
            requirePositive("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "adam";
        }

        @Override
        public Map<String, Double> parameters() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("epsilon", epsilon);
            return m;
        }
    }

    record RmsProp(double decay, double epsilon) implements OptimizerSpec {
        public RmsProp {
            requireUnit("decay", decay);
            requirePositive("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "rmsprop";
        }

        @Override
        public Map<String, Double> parameters() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("decay", decay);
            m.put("epsilon", epsilon);
            return m;
        }
    }

    private static void requireUnit(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), found " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(name + " must be > 0, found " + value);
        }
    }
}
