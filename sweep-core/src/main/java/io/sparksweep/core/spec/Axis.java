package io.sparksweep.core.spec;

import java.util.Objects;

/** One declared search dimension and its domain. Axes keep the order of the sweep file. */
public record Axis(Dimension dimension, Domain domain) {
    public Axis {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(domain, "domain");
    }
}
