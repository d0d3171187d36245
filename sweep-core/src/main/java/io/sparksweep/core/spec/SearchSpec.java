package io.sparksweep.core.spec;

import java.math.BigInteger;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What to search and how.
 *
 * @param strategy grid (every combination, in declared order), random (seeded samples) or tpe (each
 *                 trial proposed from the results so far)
 * @param trials   how many random or tpe trials to run; 0 for grid
 * @param axes     the declared dimensions in file order; undeclared ones take the tutorial's defaults
 * @param tpe      the TPE sampler's settings (the defaults unless the strategy is tpe)
 */
public record SearchSpec(Strategy strategy, int trials, List<Axis> axes, Tpe tpe) {

    public enum Strategy {
        GRID("grid"),
        RANDOM("random"),
        TPE("tpe");

        private final String key;

        Strategy(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * The TPE sampler's settings, as Optuna names them.
     *
     * @param startupTrials trials drawn at random before TPE models the results
     * @param candidates    points drawn from the good density per suggestion, of which the best ratio wins
     */
    public record Tpe(int startupTrials, int candidates) {
        public static final Tpe DEFAULT = new Tpe(10, 24);

        public Tpe {
            if (startupTrials < 0 || candidates < 1) {
                throw new IllegalArgumentException("startupTrials must be >= 0 and candidates >= 1, found " + startupTrials + " and " + candidates);
            }
        }
    }

    public SearchSpec {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(tpe, "tpe");
        axes = List.copyOf(axes);
        Set<Dimension> seen = EnumSet.noneOf(Dimension.class);
        for (Axis a : axes) {
            if (!seen.add(a.dimension())) {
                throw new IllegalArgumentException("dimension declared twice: " + a.dimension().key());
            }
        }
        if (strategy != Strategy.GRID && trials < 1) {
            throw new IllegalArgumentException(strategy.key() + " search needs trials >= 1, found " + trials);
        }
    }

    /** The grid's size: the product of every axis's grid points (1 with no axes). */
    public BigInteger gridSize() {
        BigInteger n = BigInteger.ONE;
        for (Axis a : axes) {
            n = n.multiply(BigInteger.valueOf(a.domain().gridValues().size()));
        }
        return n;
    }

    /** How many distinct trials random search can draw, or empty when a continuous range makes that unbounded. */
    public Optional<BigInteger> distinctPoints() {
        BigInteger n = BigInteger.ONE;
        for (Axis a : axes) {
            OptionalLong values = a.domain().distinctValues();
            if (values.isEmpty()) {
                return Optional.empty();
            }
            n = n.multiply(BigInteger.valueOf(values.getAsLong()));
        }
        return Optional.of(n);
    }

    /** The size as a product of the axes, such as {@code learning_rate 3 x batch_size 2}; for messages. */
    public String sizeText(boolean grid) {
        List<String> parts = new java.util.ArrayList<>();
        for (Axis a : axes) {
            long n = grid ? a.domain().gridValues().size() : a.domain().distinctValues().orElse(-1);
            if (n != 1) {
                parts.add(a.dimension().key() + " " + String.format(java.util.Locale.ROOT, "%,d", n));
            }
        }
        return parts.isEmpty() ? "one point" : String.join(" x ", parts);
    }

    public Axis axis(Dimension d) {
        return axes.stream().filter(a -> a.dimension() == d).findFirst().orElse(null);
    }
}
