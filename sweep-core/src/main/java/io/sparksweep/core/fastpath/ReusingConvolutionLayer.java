package io.sparksweep.core.fastpath;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's convolution layer without its second forward convolution. DL4J 1.0.0-M2.1's
 * {@code ConvolutionLayer.backpropGradient} runs the forward convolution again (with its layout
 * reorders) to get z for the activation's derivative, then hands the gradient to oneDNN. With the
 * identity activation, the tutorial CNN's (its batch norm and ReLU are layers of their own), that
 * derivative does not read z at all, so backprop is given the forward pass's output in its place: a
 * third of the oneDNN convolution time of a training step. Other activations, and layers without
 * DL4J's oneDNN helper (whose fallback needs the im2col matrix of a real forward pass), keep DL4J's path.
 * The first layer's forward convolution is the Vector API's ({@link VectorConvolution#forward}, or
 * {@link NhwcConvolution} into NHWC); the others write NHWC arrays through libnd4j ({@link #nhwcConvolution}),
 * in training and inference, which the batch norm and pooling after them read and write in NHWC
 * ({@link NhwcBatchNorm}), and backprop runs on them ({@link #nhwcBackprop}).
 */
public final class ReusingConvolutionLayer extends ConvolutionLayer {

    private static final Logger LOG = LoggerFactory.getLogger(ReusingConvolutionLayer.class);

    private INDArray forwardOutput;
    private INDArray forwardInput;
    /** Whether {@link #nhwcConvolution} failed once, which leaves inference to DL4J's path. */
    private boolean nhwcFailed;
    /** False for a network's first layer, whose input gradient {@code fit} throws away. */
    private boolean inputGradientNeeded = true;
    /** The first layer's gradients without the Vector API; created on first use. */
    private Im2colGradient im2col;
    /** The Vector API's gradients, where the JVM has it ({@link FastPath#vectorKernels}); created on first use. */
    private VectorConvolution vectorGradient;
    /** The first layer's passes in NHWC ({@link NhwcConvolution}); created on first use. */
    private NhwcConvolution nhwcFirst;

    private ReusingConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Replaces the network's plain convolution layer objects with identity activation; returns how many. */
    static int install(MultiLayerNetwork net) {
        return LayerSwap.install(net, (layers, i, dataType) -> {
            if (layers[i].getClass() != ConvolutionLayer.class || ((ConvolutionLayer) layers[i]).getHelper() == null
                    || !(layers[i].conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf)
                    || !(conf.getActivationFn() instanceof ActivationIdentity)) {
                return null;
            }
            ReusingConvolutionLayer layer = new ReusingConvolutionLayer(layers[i].conf(), dataType);
            layer.inputGradientNeeded = i > 0;
            return layer;
        });
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forget();
        INDArray out = super.activate(training, workspaceMgr);
        if (training && helper != null && helperCountFail == 0) {
            forwardOutput = out;
            forwardInput = input;
        }
        return out;
    }

    /**
     * The forward convolution of a layer with at most {@link VectorConvolution#FORWARD_TAPS} taps (the
     * first layer's 3x3 over one channel) in the Vector API ({@link VectorConvolution#forward}), training
     * and inference alike; every other layer, and backprop's own calls, go to DL4J's oneDNN helper.
     */
    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!forBackprop && (training ? nhwcTraining() : nhwcInference())) {
            try {
                return new Pair<>(nhwcConvolution(workspaceMgr), null);
            } catch (RuntimeException e) {
                // As DL4J's helpers do: a failed call puts the layer back on DL4J's path for good.
                nhwcFailed = true;
                LOG.warn("convolution in NHWC failed, DL4J's path from now on: {}", e.toString());
            }
        }
        if (forBackprop || !vectorForward()) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        int n = (int) input.size(0);
        int ic = (int) input.size(1);
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        int oc = (int) weights.size(0);
        int kh = conf.getKernelSize()[0];
        int kw = conf.getKernelSize()[1];
        int ph = conf.getPadding()[0];
        int pw = conf.getPadding()[1];
        if (vectorGradient == null) {
            vectorGradient = new VectorConvolution();
        }
        // A few dozen floats: the bias view's layout (a vector of the parameters) is not worth a case of its own.
        float[] bias = hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY).toFloatVector() : null;
        INDArray z;
        if ((training ? FastPath.nhwcTraining : FastPath.nhwcInference) && NhwcBatchNorm.takes(oc)) {
            // NHWC for the batch norm and pooling after it, and the next convolution's input without a reorder.
            z = NativeFloats.nhwc(workspaceMgr, n, oc, h + 2 * ph - kh + 1, w + 2 * pw - kw + 1);
            if (nhwcFirst == null) {
                nhwcFirst = new NhwcConvolution();
            }
            nhwcFirst.forward(NativeFloats.buffer(input), NativeFloats.bytes(z), n, ic, h, w, oc, kh, kw, ph, pw,
                    NativeFloats.buffer(weights), bias);
        } else {
            z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    new long[] {n, oc, h + 2 * ph - kh + 1, w + 2 * pw - kw + 1}, 'c');
            vectorGradient.forward(NativeFloats.buffer(input), NativeFloats.bytes(z), n, ic, h, w, oc, kh, kw, ph, pw,
                    NativeFloats.buffer(weights), bias);
        }
        return new Pair<>(z, null);
    }

    /**
     * Inference's convolution into an NHWC array ({@link NativeFloats#nhwc}) by libnd4j's conv2d op, which
     * hands oneDNN an array's own strides: oneDNN's convolutions here compute in NHWC, so an NCHW output
     * costs a copy of the unwritten array into NHWC before the call (libnd4j loads the output as it loads
     * an input) and one back after it, and an NHWC input (the pooling's, in inference) costs none.
     */
    private INDArray nhwcConvolution(LayerWorkspaceMgr workspaceMgr) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        int kh = conf.getKernelSize()[0];
        int kw = conf.getKernelSize()[1];
        int ph = conf.getPadding()[0];
        int pw = conf.getPadding()[1];
        INDArray z = NativeFloats.nhwc(workspaceMgr, input.size(0), weights.size(0), input.size(2) + 2L * ph - kh + 1,
                input.size(3) + 2L * pw - kw + 1);
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d");
        if (hasBias()) {
            op.addInputs(input, weights, getParam(ConvolutionParamInitializer.BIAS_KEY));
        } else {
            op.addInputs(input, weights);
        }
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode (no), data format (0: NCHW), weights format (1: [oC, iC, kH, kW])
        Nd4j.exec(op.addOutputs(z).addIntegerArguments(kh, kw, 1, 1, ph, pw, 1, 1, 0, 0, 1).build());
        return z;
    }

    /**
     * Whether inference's convolution writes an NHWC array ({@link #nhwcConvolution}): the Vector API's
     * batch norm and pooling take such arrays ({@link FastPath#nhwcInference}), DL4J's oneDNN helper is
     * on, the input has more channels than {@link VectorConvolution#forward} takes, and the layer is
     * {@link #plainStrideOne}.
     */
    private boolean nhwcInference() {
        if (!(FastPath.vectorKernels && FastPath.nhwcInference && VectorConvolution.usable()) || input == null
                || helper == null || helperCountFail > 0 || nhwcFailed) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        return input.rank() == 4 && input.dataType() == DataType.FLOAT && weights.dataType() == DataType.FLOAT
                && input.size(1) == weights.size(1) && weights.rank() == 4
                && !VectorConvolution.forwardTakes((int) input.size(1), conf.getKernelSize()[0], conf.getKernelSize()[1])
                && plainStrideOne(conf)
                && input.size(2) + 2L * conf.getPadding()[0] >= conf.getKernelSize()[0]
                && input.size(3) + 2L * conf.getPadding()[1] >= conf.getKernelSize()[1];
    }

    /**
     * Whether training's forward convolution writes an NHWC array as inference's does ({@link #nhwcInference}),
     * for {@link NhwcBatchNorm} after it ({@link FastPath#nhwcTraining}): whole vectors of output channels,
     * an input gradient that is needed (not the first layer), and no dropout, whose backward pass
     * {@link #nhwcBackprop} would otherwise have to apply.
     */
    private boolean nhwcTraining() {
        return FastPath.nhwcTraining && inputGradientNeeded && nhwcInference() && layerConf().getIDropout() == null
                && NhwcBatchNorm.takes(getParam(ConvolutionParamInitializer.WEIGHT_KEY).size(0));
    }

    /**
     * Whether {@link #preOutput} computes the convolution itself: the Vector API's loops run, a kernel
     * {@link VectorConvolution#forwardTakes}, NCHW float arrays in one run each, stride 1 without dilation or
     * weight noise, and an output whose bytes an int indexes.
     */
    private boolean vectorForward() {
        if (!(FastPath.vectorKernels && FastPath.vectorForward && VectorConvolution.usable()) || input == null) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        if (input.rank() != 4 || !NativeFloats.contiguous(input) || weights.rank() != 4 || !NativeFloats.contiguous(weights)
                || input.size(1) != weights.size(1) || !plainStrideOne(conf)
                || !VectorConvolution.forwardTakes((int) input.size(1), conf.getKernelSize()[0], conf.getKernelSize()[1])) {
            return false;
        }
        long ho = input.size(2) + 2L * conf.getPadding()[0] - conf.getKernelSize()[0] + 1;
        long wo = input.size(3) + 2L * conf.getPadding()[1] - conf.getKernelSize()[1] + 1;
        return ho > 0 && wo > 0 && input.size(0) * weights.size(0) * ho * wo * Float.BYTES <= Integer.MAX_VALUE
                && input.length() * Float.BYTES <= Integer.MAX_VALUE;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && forwardOutput != null && forwardInput == input && helper != null && helperCountFail == 0) {
            INDArray z = forwardOutput;
            forget();
            return new Pair<>(z, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    /**
     * For the first layer, only the weight and bias gradients: dW = sum over the batch of dy_n times the
     * image's 3x3 patches ({@link VectorConvolution}, or without the Vector API im2col and one OpenBLAS
     * product per image), without oneDNN's backward-data convolution, which computes the gradient with
     * respect to the pixels. The input gradient returned is zeros: DL4J's {@code fit} passes it through
     * the input preprocessor and drops it.
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (inputGradientNeeded && forwardOutput != null && NativeFloats.nhwcView(forwardOutput) && forwardInput == input
                && weightGradientOnly(epsilon)) {
            forget();
            return nhwcBackprop(epsilon, workspaceMgr);
        }
        if (inputGradientNeeded || !weightGradientOnly(epsilon)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        forget();
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray x = NativeFloats.contiguousOrCopy(input);
        boolean nhwc = NativeFloats.nhwcView(epsilon) && FastPath.vectorKernels && FastPath.vectorGradients && VectorConvolution.usable()
                && NhwcBatchNorm.takes(epsilon.size(1)) && VectorConvolution.forwardTakes((int) x.size(1), layerConf().getKernelSize()[0],
                layerConf().getKernelSize()[1]);
        INDArray dy = nhwc ? epsilon : NativeFloats.contiguousOrCopy(epsilon);
        int n = (int) x.size(0);
        int ic = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oc = (int) dy.size(1);
        int ho = (int) dy.size(2);
        int wo = (int) dy.size(3);
        int kh = conf.getKernelSize()[0];
        int kw = conf.getKernelSize()[1];
        int ph = conf.getPadding()[0];
        int pw = conf.getPadding()[1];
        int k = ic * kh * kw;
        int positions = ho * wo;
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        Gradient gradient = new DefaultGradient();
        if (FastPath.vectorKernels && FastPath.vectorGradients && VectorConvolution.usable()) {
            if (vectorGradient == null) {
                vectorGradient = new VectorConvolution();
            }
            float[] dW = new float[oc * k];
            float[] dB = hasBias() ? new float[oc] : null;
            if (nhwc) {
                if (nhwcFirst == null) {
                    nhwcFirst = new NhwcConvolution();
                }
                nhwcFirst.weightGradient(NativeFloats.buffer(x), NativeFloats.bytes(dy), n, ic, h, w, oc, kh, kw, ph, pw, dW, dB);
            } else {
                vectorGradient.weightGradient(NativeFloats.buffer(x), NativeFloats.bytes(dy), n, ic, h, w, oc, kh, kw, ph, pw, dW, dB);
            }
            NativeFloats.buffer(weightGrad).put(0, dW);
            if (dB != null) {
                NativeFloats.put(biasGrad, dB);
            }
        } else {
            if (im2col == null) {
                im2col = new Im2colGradient();
            }
            im2col.compute(x, dy, weightGrad, biasGrad, n, ic, h, w, oc, ho, wo, kh, kw, ph, pw, hasBias());
        }
        if (hasBias()) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        INDArray inputGrad = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        return new Pair<>(gradient, inputGrad);
    }

    /**
     * Backprop after an NHWC forward pass ({@link #nhwcTraining}), as DL4J's oneDNN helper does it (libnd4j's
     * {@code conv2d_bp}; the identity activation passes the gradient on unchanged), on the NHWC output
     * gradient of the batch norm after it ({@link NhwcBatchNorm}), the bias's gradient summed here.
     */
    private Pair<Gradient, INDArray> nhwcBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        if (!NativeFloats.nhwcView(epsilon)) {
            epsilon = NativeFloats.nhwc(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon.size(0), epsilon.size(1), epsilon.size(2),
                    epsilon.size(3)).assign(epsilon);
        }
        // NCHW whatever the input's layout: libnd4j's conv2d_bp reads NHWC inputs as fast as NCHW ones but
        // writes an NHWC input gradient markedly slower (docs/performance.md).
        INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        // Without the bias, which is summed here in one pass of whole vectors.
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(input, weights, epsilon).addOutputs(inputGrad, weightGrad)
                // As in nhwcConvolution: kH, kW, sH, sW, pH, pW, dH, dW, same mode, NCHW, weights [oC, iC, kH, kW].
                .addIntegerArguments(conf.getKernelSize()[0], conf.getKernelSize()[1], 1, 1, conf.getPadding()[0],
                        conf.getPadding()[1], 1, 1, 0, 0, 1).build());
        if (hasBias()) {
            float[] sums = new float[(int) epsilon.size(1)];
            NhwcBatchNorm.channelSums(NativeFloats.bytes(epsilon), (int) (epsilon.length() / sums.length), sums.length, sums);
            NativeFloats.put(biasGrad, sums);
        }
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        return new Pair<>(gradient, inputGrad);
    }

    /** Stride 1, no dilation, NCHW float arrays, identity activation, no dropout or weight noise. */
    private boolean weightGradientOnly(INDArray epsilon) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weightGrad = gradientViews == null ? null : gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        return input != null && input.rank() == 4 && input.dataType() == DataType.FLOAT && epsilon.dataType() == DataType.FLOAT
                && weightGrad != null && NativeFloats.contiguous(weightGrad)
                && plainStrideOne(conf) && conf.getIDropout() == null && conf.getActivationFn() instanceof ActivationIdentity;
    }

    /** NCHW, truncating, stride 1 without dilation and no weight noise: the layers this class computes itself. */
    private static boolean plainStrideOne(org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf) {
        return conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getConvolutionMode() == ConvolutionMode.Truncate
                && Arrays.equals(conf.getStride(), new int[] {1, 1}) && Arrays.equals(conf.getDilation(), new int[] {1, 1})
                && conf.getWeightNoise() == null;
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
}
