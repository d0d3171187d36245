package io.sparksweep.core.fastpath;

import io.sparksweep.core.model.HeavyBallMomentum;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Which networks {@link MlpStep} trains: dense ReLU layers with biases and a softmax cross-entropy output,
 * float, on the CPU backend, every layer with the same SGD or heavy-ball optimizer and the same plain L2
 * (or none) on weights and biases, without dropout, weight noise, constraints, gradient normalisation,
 * input preprocessors or listeners. Anything else keeps DL4J's {@code fit}, and {@link #reason} says why.
 */
final class MlpStepEligibility {

    private MlpStepEligibility() {
    }

    /** Why this network trains with DL4J's {@code fit}, or null when {@link MlpStep} computes DL4J's step exactly. */
    static String reason(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return "not the CPU backend";
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (conf.getDataType() != DataType.FLOAT) {
            return "data type " + conf.getDataType();
        }
        if (net.getListeners() != null && !net.getListeners().isEmpty()) {
            return "listeners attached";
        }
        Layer[] ls = net.getLayers();
        if (ls.length < 1 || conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty()) {
            return "input preprocessors";
        }
        BaseLayer first = null;
        for (int i = 0; i < ls.length; i++) {
            org.deeplearning4j.nn.conf.layers.Layer c = ls[i].conf().getLayer();
            boolean last = i == ls.length - 1;
            String why = last ? outputProblem(c) : hiddenProblem(c);
            if (why == null) {
                why = commonProblem((BaseLayer) c);
            }
            if (why == null && ls[i].getParam(DefaultParamInitializer.WEIGHT_KEY).ordering() != 'f') {
                why = "weights not in DL4J's 'f' order";
            }
            if (why == null && first == null) {
                first = (BaseLayer) c;
            } else if (why == null && !sameTraining(first, (BaseLayer) c)) {
                why = "optimizer or regularisation differs from the first layer's";
            }
            if (why != null) {
                return "layer " + i + " (" + c.getClass().getSimpleName() + "): " + why;
            }
        }
        INDArray state = net.getUpdater().getStateViewArray();
        if (!(state == null || state.length() == 0 || state.length() == net.numParams())) {
            return "updater state is not one value per parameter";
        }
        return null;
    }

    private static String hiddenProblem(org.deeplearning4j.nn.conf.layers.Layer c) {
        if (c.getClass() != DenseLayer.class) {
            return "not a dense layer";
        }
        DenseLayer d = (DenseLayer) c;
        if (!d.hasBias() || d.hasLayerNorm()) {
            return "no bias or layer normalisation";
        }
        return ReusingDenseLayer.isPlainRelu(d.getActivationFn()) ? null : "activation " + d.getActivationFn();
    }

    private static String outputProblem(org.deeplearning4j.nn.conf.layers.Layer c) {
        if (c.getClass() != OutputLayer.class) {
            return "not an output layer";
        }
        OutputLayer o = (OutputLayer) c;
        if (!o.hasBias() || !(o.getActivationFn() instanceof ActivationSoftmax)) {
            return "no bias or not softmax";
        }
        return o.getLossFn() instanceof LossMCXENT mcx && mcx.getClass() == LossMCXENT.class && mcx.getWeights() == null
                ? null : "loss " + o.getLossFn();
    }

    private static String commonProblem(BaseLayer c) {
        if (c.getIDropout() != null || c.getWeightNoise() != null) {
            return "dropout or weight noise";
        }
        if (c.getConstraints() != null && !c.getConstraints().isEmpty()) {
            return "constraints";
        }
        if (c.getGradientNormalization() != null && c.getGradientNormalization() != GradientNormalization.None) {
            return "gradient normalisation";
        }
        IUpdater u = c.getIUpdater();
        if (!(u instanceof HeavyBallMomentum || u.getClass() == Sgd.class)
                || c.getBiasUpdater() != null && !c.getBiasUpdater().equals(u)) {
            return "optimizer " + u;
        }
        if (!plainL2(c.getRegularization()) || !sameRegularization(c.getRegularization(), c.getRegularizationBias())) {
            return "regularisation " + c.getRegularization() + " / " + c.getRegularizationBias();
        }
        return null;
    }

    private static boolean sameTraining(BaseLayer a, BaseLayer b) {
        return a.getIUpdater().equals(b.getIUpdater()) && sameRegularization(a.getRegularization(), b.getRegularization());
    }

    private static boolean plainL2(List<Regularization> r) {
        return r == null || r.isEmpty() || r.size() == 1 && r.get(0).getClass() == L2Regularization.class;
    }

    private static boolean sameRegularization(List<Regularization> a, List<Regularization> b) {
        boolean noneA = a == null || a.isEmpty();
        boolean noneB = b == null || b.isEmpty();
        return noneA && noneB || !noneA && !noneB && a.equals(b);
    }
}
