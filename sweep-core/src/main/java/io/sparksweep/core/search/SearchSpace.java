package io.sparksweep.core.search;

import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.Domain;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.spec.SearchSpec;
import io.sparksweep.core.trial.TrialParams;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The dimensions of a sweep's search: those that vary (in the file's order) and the value every other
 * one takes. Undeclared dimensions are fixed at the tutorial's values: learning rate 0.01, batch 64, SGD
 * with momentum 0.9, the MLP, the architecture's own dropout, no weight decay; a one-value list is fixed too.
 */
final class SearchSpace {

    static final double DEFAULT_LEARNING_RATE = 0.01;
    static final int DEFAULT_BATCH_SIZE = 64;
    static final OptimizerSpec DEFAULT_OPTIMIZER = new OptimizerSpec.Momentum(0.9);
    static final Architecture DEFAULT_ARCHITECTURE = Architecture.MLP;

    private final List<Axis> varied = new ArrayList<>();
    private final Map<Dimension, Object> fixed = new EnumMap<>(Dimension.class);

    SearchSpace(SearchSpec search) {
        for (Axis axis : search.axes()) {
            if (axis.domain() instanceof Domain.Choice c && c.values().size() == 1) {
                fixed.put(axis.dimension(), c.values().get(0));
            } else {
                varied.add(axis);
            }
        }
    }

    /** The dimensions that vary, in the file's order. */
    List<Axis> varied() {
        return varied;
    }

    /** The trial whose varied dimensions take {@code values}; every other dimension its fixed value. */
    TrialParams compose(Map<Dimension, Object> values) {
        Architecture arch = (Architecture) value(Dimension.ARCHITECTURE, values, DEFAULT_ARCHITECTURE);
        OptimizerSpec opt = (OptimizerSpec) value(Dimension.OPTIMIZER, values, DEFAULT_OPTIMIZER);
        double lr = ((Number) value(Dimension.LEARNING_RATE, values, DEFAULT_LEARNING_RATE)).doubleValue();
        int batch = ((Number) value(Dimension.BATCH_SIZE, values, DEFAULT_BATCH_SIZE)).intValue();
        double dropout = ((Number) value(Dimension.DROPOUT, values, arch.dropout())).doubleValue();
        double wd = ((Number) value(Dimension.WEIGHT_DECAY, values, 0.0)).doubleValue();
        return new TrialParams(arch, opt, lr, batch, dropout, wd);
    }

    private Object value(Dimension d, Map<Dimension, Object> values, Object dflt) {
        Object v = values.get(d);
        return v != null ? v : fixed.getOrDefault(d, dflt);
    }

    /** The value a trial takes in dimension {@code d}, as the sweep file's values are typed (Double, Integer, specs). */
    static Object valueOf(TrialParams p, Dimension d) {
        return switch (d) {
            case LEARNING_RATE -> p.learningRate();
            case BATCH_SIZE -> p.batchSize();
            case OPTIMIZER -> p.optimizer();
            case ARCHITECTURE -> p.architecture();
            case DROPOUT -> p.dropout();
            case WEIGHT_DECAY -> p.weightDecay();
        };
    }
}
