package io.sparksweep.core.search;

import io.sparksweep.core.trial.TrialParams;

import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.Domain;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.spec.SearchSpec;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.deeplearning4j.arbiter.optimize.api.AbstractParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The whole search space of a sweep as one Arbiter {@link ParameterSpace}, so that Arbiter's grid and
 * random generators produce {@link TrialParams} directly. Undeclared dimensions are fixed at the
 * tutorial's values: learning rate 0.01, batch 64, SGD with momentum 0.9, the MLP, its own dropout, no decay.
 */
final class TrialSpace extends AbstractParameterSpace<TrialParams> {

    static final double DEFAULT_LEARNING_RATE = 0.01;
    static final int DEFAULT_BATCH_SIZE = 64;
    static final OptimizerSpec DEFAULT_OPTIMIZER = new OptimizerSpec.Momentum(0.9);
    static final Architecture DEFAULT_ARCHITECTURE = Architecture.MLP;

    private final Map<Dimension, ParameterSpace<?>> spaces = new EnumMap<>(Dimension.class);
    private final Map<Dimension, Object> fixed = new EnumMap<>(Dimension.class);
    private final List<ParameterSpace> leaves = new ArrayList<>();

    /**
     * @param search  the declared axes
     * @param forGrid true to turn ranges into their grid points (each axis its own count), false to sample them
     */
    TrialSpace(SearchSpec search, boolean forGrid) {
        for (Axis axis : search.axes()) {
            if (axis.domain() instanceof Domain.Choice c && c.values().size() == 1) {
                // One value is no search dimension: Arbiter gives such a leaf no parameter index.
                fixed.put(axis.dimension(), c.values().get(0));
                continue;
            }
            ParameterSpace<?> space = forGrid ? gridLeaf(axis.domain()) : leaf(axis.domain());
            spaces.put(axis.dimension(), space);
            leaves.add(space);
        }
        // Arbiter's sequential grid varies its first leaf fastest; reversed, the file's first axis is the
        // outermost loop, as in nested for-loops or itertools.product.
        Collections.reverse(leaves);
    }

    private static ParameterSpace<?> leaf(Domain d) {
        if (d instanceof Domain.Choice c) {
            return new DiscreteParameterSpace<>(c.values());
        }
        if (d instanceof Domain.Range r) {
            return r.log() ? new ContinuousParameterSpace(new LogUniformDistribution(r.min(), r.max()))
                    : new ContinuousParameterSpace(new UniformRealDistribution(r.min(), r.max()));
        }
        Domain.IntRange ir = (Domain.IntRange) d;
        return new IntegerParameterSpace(ir.min(), ir.max());
    }

    @Override
    public TrialParams getValue(double[] input) {
        Architecture arch = (Architecture) value(Dimension.ARCHITECTURE, input, DEFAULT_ARCHITECTURE);
        OptimizerSpec opt = (OptimizerSpec) value(Dimension.OPTIMIZER, input, DEFAULT_OPTIMIZER);
        double lr = ((Number) value(Dimension.LEARNING_RATE, input, DEFAULT_LEARNING_RATE)).doubleValue();
        int batch = ((Number) value(Dimension.BATCH_SIZE, input, DEFAULT_BATCH_SIZE)).intValue();
        double dropout = ((Number) value(Dimension.DROPOUT, input, arch.dropout())).doubleValue();
        double wd = ((Number) value(Dimension.WEIGHT_DECAY, input, 0.0)).doubleValue();
        return new TrialParams(arch, opt, lr, batch, dropout, wd);
    }

    private Object value(Dimension d, double[] input, Object dflt) {
        ParameterSpace<?> s = spaces.get(d);
        if (s != null) {
            return s.getValue(input);
        }
        return fixed.getOrDefault(d, dflt);
    }

    private static ParameterSpace<?> gridLeaf(Domain d) {
        return new DiscreteParameterSpace<>(gridValues(d));
    }

    /** The grid points of a domain: a choice as written; a range as evenly spaced points, ends included. */
    static List<Object> gridValues(Domain d) {
        if (d instanceof Domain.Choice c) {
            return c.values();
        }
        List<Object> out = new ArrayList<>();
        if (d instanceof Domain.Range r) {
            for (int i = 0; i < r.gridPoints(); i++) {
                double t = i / (double) (r.gridPoints() - 1);
                double v = r.log() ? Math.exp(Math.log(r.min()) + t * (Math.log(r.max()) - Math.log(r.min())))
                        : r.min() + t * (r.max() - r.min());
                out.add(i == r.gridPoints() - 1 ? r.max() : v);
            }
            return out;
        }
        Domain.IntRange r = (Domain.IntRange) d;
        for (int i = 0; i < r.gridPoints(); i++) {
            int v = (int) Math.round(r.min() + i * (r.max() - r.min()) / (double) (r.gridPoints() - 1));
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    @Override
    public int numParameters() {
        return leaves.stream().mapToInt(ParameterSpace::numParameters).sum();
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        return Collections.unmodifiableList(leaves);
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("TrialSpace is not a leaf: Arbiter sets the indices of its leaves");
    }
}
