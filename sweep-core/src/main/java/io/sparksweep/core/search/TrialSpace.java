package io.sparksweep.core.search;

import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.Domain;
import io.sparksweep.core.trial.TrialParams;
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
 * A sweep's search space as one Arbiter {@link ParameterSpace}, so that Arbiter's random generator draws
 * {@link TrialParams} directly ({@link RandomSampler}): one leaf per varied dimension of a {@link SearchSpace}.
 */
final class TrialSpace extends AbstractParameterSpace<TrialParams> {

    private final SearchSpace space;
    private final Map<Dimension, ParameterSpace<?>> leaves = new EnumMap<>(Dimension.class);
    private final List<ParameterSpace> leafList = new ArrayList<>();

    TrialSpace(SearchSpace space) {
        this.space = space;
        for (Axis axis : space.varied()) {
            ParameterSpace<?> leaf = leaf(axis.domain());
            leaves.put(axis.dimension(), leaf);
            leafList.add(leaf);
        }
        // Arbiter numbers the leaves in this order; reversed, as it always has been here, so that a seed
        // draws the same trials (and a random sweep resumes) across versions.
        Collections.reverse(leafList);
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
        Map<Dimension, Object> values = new EnumMap<>(Dimension.class);
        leaves.forEach((d, leaf) -> values.put(d, leaf.getValue(input)));
        return space.compose(values);
    }

    @Override
    public int numParameters() {
        return leafList.stream().mapToInt(ParameterSpace::numParameters).sum();
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        return Collections.unmodifiableList(leafList);
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
