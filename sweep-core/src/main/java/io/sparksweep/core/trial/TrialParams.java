package io.sparksweep.core.trial;

import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.OptimizerSpec;

import java.util.Locale;
import java.util.Objects;

/**
 * One point of a sweep's search space: the hyperparameters of one trial.
 *
 * @param architecture the network shape
 * @param optimizer    the optimizer and its own parameters
 * @param learningRate the initial learning rate
 * @param batchSize    training mini-batch size
 * @param dropout      the effective dropout probability (the searched value, or the architecture's own)
 * @param weightDecay  L2 penalty added to the gradient, as PyTorch's {@code weight_decay}
 */
public record TrialParams(Architecture architecture, OptimizerSpec optimizer, double learningRate, int batchSize,
                          double dropout, double weightDecay) implements java.io.Serializable {

    public TrialParams {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(optimizer, "optimizer");
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, found " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + dropout);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, found " + weightDecay);
        }
    }

    /** A stable text form of every value, the heart of a trial's id. */
    public String canonical() {
        return "arch=" + architecture.canonical() + ";opt=" + optimizer.canonical() + ";lr=" + learningRate
                + ";batch=" + batchSize + ";dropout=" + dropout + ";wd=" + weightDecay;
    }

    /** A short human label, for progress lines and plan tables. */
    public String label() {
        return String.format(Locale.ROOT, "%s %s lr=%.4g batch=%d dropout=%.2f wd=%.3g",
                architecture.name(), optimizer.canonical(), learningRate, batchSize, dropout, weightDecay);
    }
}
