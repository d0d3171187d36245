package io.sparksweep.core.fastpath;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer without two costs of its training step. DL4J 1.0.0-M2.1 computes a dense layer's
 * pre-activation z = xW + b in the forward pass and again in backprop ({@code BaseLayer.backpropGradient}
 * asks {@code preOutput} for it), and {@code INDArray.mmuli} multiplies into a temporary matrix of the
 * other memory order and copies that into the result. Here z is multiplied straight into its workspace
 * array, and backprop takes the forward pass's result where that is exact: the ReLU derivative depends
 * only on whether z is positive, which the activated output tells as well, and the identity's on nothing.
 * Layer normalisation, masks and other activations take DL4J's own path unchanged. The first layer of a
 * network, finally, does not compute the gradient with respect to the network's input, which DL4J's
 * {@code fit} computes and throws away (for the MLP, the largest of the step's matrix products).
 *
 * <p>Only the layer object changes ({@link #install}); the configuration stays DL4J's {@code DenseLayer},
 * so model files are plain DL4J models. On the tutorial MLP this removes a quarter of the matrix work of a
 * training step.
 */
public final class ReusingDenseLayer extends DenseLayer {

    /** The activated output of this iteration's forward pass, standing in for z in its backprop. */
    private INDArray forwardOutput;
    /** The input that output was computed from: backprop reuses it only for the same input. */
    private INDArray forwardInput;
    /** False for a network's first layer when only its parameters are trained. */
    private boolean inputGradientNeeded = true;

    private ReusingDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Replaces the network's plain dense layer objects by this kind, on the same configuration and
     * parameters, for training with {@code fit}: from then on the network no longer returns the gradient
     * with respect to its input ({@code MultiLayerNetwork.backpropGradient}), which fit never uses.
     */
    static void install(MultiLayerNetwork net) {
        boolean firstPreprocessed = net.getLayerWiseConfigurations().getInputPreProcess(0) != null;
        LayerSwap.install(net, (layers, i, dataType) -> {
            if (layers[i].getClass() != DenseLayer.class) {
                return null;
            }
            ReusingDenseLayer layer = new ReusingDenseLayer(layers[i].conf(), dataType);
            layer.inputGradientNeeded = i > 0 || firstPreprocessed;
            return layer;
        });
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forget();
        INDArray out = super.activate(training, workspaceMgr);
        if (training && maskArray == null && !hasLayerNorm() && signOnly(layerConf().getActivationFn())) {
            forwardOutput = out;
            forwardInput = input;
        }
        return out;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && forwardOutput != null && forwardInput == input) {
            INDArray z = forwardOutput;
            forget();
            return new Pair<>(z, z);
        }
        if (hasLayerNorm()) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
        }
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray x = input.castTo(w.dataType());
        if (x.rank() != 2 || x.columns() != w.rows()) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr); // DL4J's own error message
        }
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), x.size(0), w.size(1));
        Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
        if (hasBias()) {
            z.addiRowVector(getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr));
        }
        if (maskArray != null) {
            applyMask(z);
        }
        return new Pair<>(z, z);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (inputGradientNeeded || hasLayerNorm()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        // DL4J's BaseLayer.backpropGradient without the product W * delta^T for the input's gradient.
        assertInputSet(true);
        INDArray z = preOutputWithPreNorm(true, true, workspaceMgr).getFirst();
        INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
        if (maskArray != null) {
            applyMask(delta);
        }
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        weightNoiseParams.clear();
        return new Pair<>(gradient, null);
    }

    @Override
    public void clear() {
        super.clear();
        forget();
    }

    private void forget() {
        forwardOutput = null;
        forwardInput = null;
    }

    /** Whether the activation's derivative at z is a function of its output (plain ReLU, identity). */
    private static boolean signOnly(IActivation activation) {
        return activation instanceof ActivationIdentity || isPlainRelu(activation);
    }

    /** ReLU without a cap, threshold or negative slope: max(z, 0). */
    public static boolean isPlainRelu(IActivation activation) {
        return activation instanceof ActivationReLU relu && relu.getMax() == null
                && isZeroOrUnset(relu.getThreshold()) && isZeroOrUnset(relu.getNegativeSlope());
    }

    private static boolean isZeroOrUnset(Double value) {
        return value == null || value == 0.0;
    }
}
