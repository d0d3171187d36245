package io.sparksweep.core.spec;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to search and how.
 *
 * @param strategy grid (every combination, in declared order) or random (seeded samples)
 * @param trials   how many random trials to plan; 0 for grid
 * @param axes     the declared dimensions in file order; undeclared ones take the tutorial's defaults
 */
public record SearchSpec(Strategy strategy, int trials, List<Axis> axes) {

    public enum Strategy {
        GRID("grid"),
        RANDOM("random");

        private final String key;

        Strategy(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public SearchSpec {
        Objects.requireNonNull(strategy, "strategy");
        axes = List.copyOf(axes);
        Set<Dimension> seen = EnumSet.noneOf(Dimension.class);
        for (Axis a : axes) {
            if (!seen.add(a.dimension())) {
                throw new IllegalArgumentException("dimension declared twice: " + a.dimension().key());
            }
        }
        if (strategy == Strategy.RANDOM && trials < 1) {
            throw new IllegalArgumentException("random search needs trials >= 1, found " + trials);
        }
    }

    public Axis axis(Dimension d) {
        return axes.stream().filter(a -> a.dimension() == d).findFirst().orElse(null);
    }
}
