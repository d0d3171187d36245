package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's ReLU activation layer in one pass each way. DL4J's {@code ActivationLayer} copies its input and
 * applies the activation in place going forward, and going back copies the input again, computes the
 * derivative into a third array and multiplies: four passes over the activations where one does. Here
 * the forward pass writes max(x, 0) straight into the output and the backward pass the incoming gradient
 * where x > 0 (DL4J's {@code RectifiedLinearDerivative}: 0 at x = 0), both without branches. Only the plain ReLU of float
 * arrays takes this path; the configuration stays DL4J's, so model files are unchanged.
 *
 * <p>After a batch norm with sparksweep's {@link BatchNormHelper}, the ReLU is fused into it: the helper
 * writes max(y, 0) and masks the gradient where that was 0, and this layer passes arrays on both ways
 * without a pass of its own. Whenever its input is not the helper's fused output (the helper left the
 * batch to DL4J, or DL4J copied the array), it computes the ReLU itself, which is exact either way: the
 * ReLU of a ReLU's output is that output, and its mask the same mask.
 */
public final class ReluLayer extends ActivationLayer {

    private static final int CHUNK = 8192;

    private final float[] values = new float[CHUNK];
    private final float[] grads = new float[CHUNK];
    /** The batch norm before this layer when it applies the ReLU itself, else null. */
    private BatchNormHelper fusedWith;
    /** Whether the last forward pass passed its input on (the batch norm had applied the ReLU). */
    private boolean passedOn;

    private ReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Replaces the network's plain-ReLU activation layer objects by this kind; returns how many. */
    static int install(MultiLayerNetwork net) {
        return LayerSwap.install(net, (layers, i, dataType) -> {
            if (layers[i].getClass() != ActivationLayer.class
                    || !(layers[i].conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer conf)
                    || conf.getIDropout() != null || !ReusingDenseLayer.isPlainRelu(conf.getActivationFn())) {
                return null;
            }
            ReluLayer layer = new ReluLayer(layers[i].conf(), dataType);
            if (i > 0 && layers[i - 1] instanceof BatchNormalization bn && bn.getHelper() instanceof BatchNormHelper helper) {
                helper.fuseRelu();
                layer.fusedWith = helper;
            }
            return layer;
        });
    }

    /** The batch norm whose helper applies this layer's ReLU, or null. */
    BatchNormHelper fusedWith() {
        return fusedWith;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || input.dataType() != DataType.FLOAT) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        passedOn = fusedWith != null && fusedWith.isFusedOutput(input);
        if (passedOn) {
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
        }
        INDArray x = NativeFloats.contiguousOrCopy(input);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
        FloatBuffer in = NativeFloats.buffer(x);
        FloatBuffer to = NativeFloats.buffer(out);
        int length = (int) x.length();
        for (int from = 0; from < length; from += CHUNK) {
            int len = Math.min(CHUNK, length - from);
            in.get(from, values, 0, len);
            for (int k = 0; k < len; k++) {
                values[k] = Math.max(values[k], 0f);
            }
            to.put(from, values, 0, len);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || input.dataType() != DataType.FLOAT || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        if (passedOn && fusedWith.gradientPending()) {
            // The pooling layer after this one has handed its gradient to the batch norm directly.
            return new Pair<>(new DefaultGradient(),
                    workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, epsilon.shape(), 'c'));
        }
        if (passedOn) {
            return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsilon));
        }
        INDArray x = NativeFloats.contiguousOrCopy(input);
        INDArray dy = NativeFloats.contiguousOrCopy(epsilon);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        FloatBuffer in = NativeFloats.buffer(x);
        FloatBuffer g = NativeFloats.buffer(dy);
        FloatBuffer to = NativeFloats.buffer(dx);
        int length = (int) x.length();
        for (int from = 0; from < length; from += CHUNK) {
            int len = Math.min(CHUNK, length - from);
            in.get(from, values, 0, len);
            g.get(from, grads, 0, len);
            for (int k = 0; k < len; k++) {
                grads[k] *= step(values[k]);
            }
            to.put(from, grads, 0, len);
        }
        return new Pair<>(new DefaultGradient(), dx);
    }

    /**
     * The ReLU's derivative: 1 where {@code y > 0}, else 0, in min and max alone, which JDK 17's C2
     * vectorises (it leaves selects, compares and a float's bits scalar). Two scalings by 2^126 take
     * the smallest positive float to at least 1. A NaN stays NaN (the trial fails on its loss anyway).
     */
    static float step(float y) {
        return Math.min(Math.min(Math.max(y, 0f) * 0x1p126f, 1f) * 0x1p126f, 1f);
    }
}
