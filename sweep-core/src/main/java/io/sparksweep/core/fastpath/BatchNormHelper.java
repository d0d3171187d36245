package io.sparksweep.core.fastpath;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalisation computed by {@link BatchNormKernels} in place of DL4J's {@link MKLDNNBatchNormHelper}.
 * DL4J's helper calls oneDNN's {@code batchnorm} and {@code batchnorm_bp} after libnd4j's strided
 * {@code Variance}; together they were 37% of a one-thread step of the tutorial CNN (stack samples,
 * docs/performance.md), several passes over every activation each way. The kernels read each channel once
 * into the core's cache and do the statistics, normalisation and gradient passes there. The arithmetic is
 * DL4J's (batch mean, population variance, gradient through both); {@code BatchNormHelperTest} trains the
 * tutorial's CNN blocks with DL4J's helper and with this one side by side.
 *
 * <p>{@link #install} swaps the helper object of layers that already use DL4J's oneDNN helper; layers
 * without one (helpers disabled, another backend) keep their path, and so do arrays that are not float or
 * not NCHW: for them this helper returns null and DL4J computes the layer itself.
 */
public final class BatchNormHelper implements BatchNormalizationHelper {

    private static final Field HELPER_FIELD = helperField();

    private final BatchNormKernels kernels = new BatchNormKernels();
    /** The NHWC training passes, for the convolutions' NHWC outputs; created on first use. */
    private NhwcBatchNorm nhwcKernels;
    /** Whether the last training batch went through {@link #nhwcKernels}, so that its backward pass does too. */
    private boolean trainingNhwc;
    /** Training batches through {@link #nhwcKernels}, for tests that check the path ran. */
    long nhwcBatches;
    /** The last training batch's statistics, which its backward pass uses. */
    private BatchNormKernels.Statistics training;
    private BatchNormKernels.Statistics inference;
    /** The same mean and variance as ND4J arrays, for DL4J's running averages ({@link #getMeanCache}). */
    private INDArray mean;
    private INDArray variance;
    /** Set by {@link ReluLayer#install} when a plain ReLU follows: the output is then max(y, 0). */
    private boolean fuseRelu;
    /** The last output computed with the ReLU applied, which the ReLU layer then passes on unchanged. */
    private INDArray fusedOutput;
    /** Whether the last training batch's output had the ReLU applied, so that its gradient is masked here. */
    private boolean trainingFused;
    /** Set by {@link MaxPoolLayer#install} when a 2x2 max pooling follows the fused ReLU. */
    private boolean poolAfter;
    private FusedPooling pooling;
    /** The training output whose pooling {@link #pooling} holds, which the pooling layer then takes from there. */
    private INDArray pooledOutput;
    /** Set by the pooling layer's backward pass: the gradient is in {@link #pooling}, not in the epsilon. */
    private boolean gradientPending;

    private BatchNormHelper() {
    }

    /** Replaces DL4J's oneDNN batch-norm helper in the network's layers; returns how many it replaced. */
    static int install(MultiLayerNetwork net) {
        int replaced = 0;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof BatchNormalization bn && bn.getHelper() instanceof MKLDNNBatchNormHelper) {
                try {
                    HELPER_FIELD.set(bn, new BatchNormHelper());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot set DL4J's batch-norm helper", e);
                }
                replaced++;
            }
        }
        return replaced;
    }

    private static Field helperField() {
        try {
            Field f = BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's BatchNormalization has no helper field: another DL4J version?", e);
        }
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    private static boolean handled(INDArray x, CNN2DFormat format, INDArray gamma, INDArray beta) {
        return x.dataType() == DataType.FLOAT && (x.rank() == 2 || x.rank() == 4 && format == CNN2DFormat.NCHW)
                && gamma != null && beta != null;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray globalMean,
                              INDArray globalVar, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        fusedOutput = null;
        pooledOutput = null;
        gradientPending = false;
        if (!handled(x, format, gamma, beta)) {
            this.training = null;
            return null;
        }
        if (!training && NativeFloats.nhwcView(x) && FastPath.vectorKernels && VectorConvolution.usable()
                && x.length() * Float.BYTES <= Integer.MAX_VALUE) {
            return nhwcInference(x, gamma, beta, globalMean, globalVar, eps, workspaceMgr);
        }
        trainingNhwc = false;
        if (training && nhwcTraining(x)) {
            return nhwcTraining(x, gamma, beta, eps, workspaceMgr);
        }
        INDArray in = NativeFloats.contiguousOrCopy(x);
        int n = (int) in.size(0);
        int c = (int) in.size(1);
        int s = (int) (in.length() / ((long) n * c));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
        BatchNormKernels.Statistics stats;
        if (training) {
            stats = trainingStatistics(c);
            FusedPooling pool = poolingFor(in, false);
            kernels.forward(NativeFloats.buffer(in), NativeFloats.buffer(out), n, c, s, floats(gamma), floats(beta), eps,
                    stats, true, null, null, fuseRelu, pool);
            if (pool != null) {
                pooledOutput = out;
            }
            trainingFused = fuseRelu;
            publish(stats);
        } else {
            if (inference == null || inference.mean.length != c) {
                inference = new BatchNormKernels.Statistics(c);
            }
            if (s > 1 && FastPath.vectorKernels && FastPath.vectorInference && VectorConvolution.usable()
                    && in.length() * Float.BYTES <= Integer.MAX_VALUE) {
                coefficients(inference, gamma, beta, globalMean, globalVar, eps);
                VectorBatchNorm.inference(NativeFloats.bytes(in), NativeFloats.bytes(out), n * c, c, s, inference.scale,
                        inference.shift, fuseRelu);
            } else {
                kernels.forward(NativeFloats.buffer(in), NativeFloats.buffer(out), n, c, s, floats(gamma), floats(beta), eps,
                        inference, false, floats(globalMean), floats(globalVar), fuseRelu, null);
            }
        }
        if (fuseRelu) {
            fusedOutput = out;
        }
        return out;
    }

    /** The statistics of a training batch of c channels, and the ND4J arrays DL4J's running averages read. */
    private BatchNormKernels.Statistics trainingStatistics(int c) {
        if (training == null || training.mean.length != c) {
            training = new BatchNormKernels.Statistics(c);
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(DataType.FLOAT, c);
                variance = Nd4j.createUninitialized(DataType.FLOAT, c);
            }
        }
        return training;
    }

    /** A training batch's mean and variance into the arrays from which DL4J updates its running averages. */
    private void publish(BatchNormKernels.Statistics stats) {
        NativeFloats.buffer(mean).put(0, stats.mean);
        NativeFloats.buffer(variance).put(0, stats.variance);
    }

    /**
     * Whether a training batch goes through {@link NhwcBatchNorm}: an NHWC array (a convolution's,
     * {@link ReusingConvolutionLayer}) of whole vectors of channels, where the Vector API's loops run.
     */
    private static boolean nhwcTraining(INDArray x) {
        return NativeFloats.nhwcView(x) && NhwcBatchNorm.takes(x.size(1)) && FastPath.vectorKernels && VectorConvolution.usable()
                && x.length() * Float.BYTES <= Integer.MAX_VALUE;
    }

    /** A training batch in NHWC, into an NHWC array, its pooling (when fused) into another. */
    private INDArray nhwcTraining(INDArray x, INDArray gamma, INDArray beta, double eps, LayerWorkspaceMgr workspaceMgr) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        BatchNormKernels.Statistics stats = trainingStatistics(c);
        if (nhwcKernels == null) {
            nhwcKernels = new NhwcBatchNorm();
        }
        ByteBuffer in = NativeFloats.bytes(x);
        nhwcKernels.statistics(in, n * h * w, c, floats(gamma), floats(beta), eps, stats);
        INDArray out = NativeFloats.nhwc(workspaceMgr, n, c, h, w);
        FusedPooling pool = poolingFor(x, true);
        if (pool != null) {
            pool.nhwcPooled = NativeFloats.nhwc(workspaceMgr, n, c, h / 2, w / 2);
            pooledOutput = out;
        }
        NhwcBatchNorm.normalize(in, NativeFloats.bytes(out), n, h, w, c, stats.scale, stats.shift, fuseRelu,
                pool == null ? null : NativeFloats.bytes(pool.nhwcPooled), pool == null ? null : pool.where);
        trainingFused = fuseRelu;
        trainingNhwc = true;
        nhwcBatches++;
        publish(stats);
        if (fuseRelu) {
            fusedOutput = out;
        }
        return out;
    }

    /** Inference on an NHWC array (a convolution's, {@link ReusingConvolutionLayer}), into another. */
    private INDArray nhwcInference(INDArray x, INDArray gamma, INDArray beta, INDArray globalMean, INDArray globalVar, double eps,
                                   LayerWorkspaceMgr workspaceMgr) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        if (inference == null || inference.mean.length != c) {
            inference = new BatchNormKernels.Statistics(c);
        }
        coefficients(inference, gamma, beta, globalMean, globalVar, eps);
        INDArray out = NativeFloats.nhwc(workspaceMgr, n, c, h, w);
        VectorBatchNorm.inferenceNhwc(NativeFloats.bytes(x), NativeFloats.bytes(out), n * h * w, c, inference.scale,
                inference.shift, fuseRelu);
        if (fuseRelu) {
            fusedOutput = out;
        }
        return out;
    }

    /** Inference's scale and shift per channel into {@code stats}, from the running mean and variance. */
    private static void coefficients(BatchNormKernels.Statistics stats, INDArray gamma, INDArray beta, INDArray globalMean,
                                     INDArray globalVar, double eps) {
        float[] g = floats(gamma);
        float[] b = floats(beta);
        float[] mu = floats(globalMean);
        float[] var = floats(globalVar);
        for (int ch = 0; ch < g.length; ch++) {
            BatchNormKernels.coefficients(stats, ch, g[ch], b[ch], mu[ch], var[ch], eps);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma, INDArray beta,
                                                     INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        FusedPooling pool = gradientPending ? pooling : null;
        gradientPending = false;
        if (training == null || !handled(input, format, gamma, beta) || dGammaView == null || dBetaView == null
                || input.size(1) != training.mean.length) {
            if (pool != null) {
                // The pooling layer left its epsilon unwritten for this helper, which DL4J's own path would read.
                throw new IllegalStateException("batch norm cannot take the fused pooling's gradient for input "
                        + Arrays.toString(input.shape()));
            }
            return null;
        }
        if (trainingNhwc) {
            return nhwcBackward(input, epsilon, pool, gamma, dGammaView, dBetaView, workspaceMgr);
        }
        INDArray in = NativeFloats.contiguousOrCopy(input);
        INDArray dy = pool == null ? NativeFloats.contiguousOrCopy(epsilon) : null;
        int n = (int) in.size(0);
        int c = (int) in.size(1);
        int s = (int) (in.length() / ((long) n * c));
        INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, in.shape(), 'c');
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        kernels.backward(NativeFloats.buffer(in), dy == null ? null : NativeFloats.buffer(dy), NativeFloats.buffer(inputGrad),
                n, c, s, floats(gamma), training, dGamma, dBeta, trainingFused, pool);
        return new Pair<>(gradient(dGammaView, dBetaView, dGamma, dBeta), inputGrad);
    }

    /** The backward pass of an {@link #nhwcTraining} batch, into an NHWC gradient. */
    private Pair<Gradient, INDArray> nhwcBackward(INDArray input, INDArray epsilon, FusedPooling pool, INDArray gamma,
                                                  INDArray dGammaView, INDArray dBetaView, LayerWorkspaceMgr workspaceMgr) {
        if (!NativeFloats.nhwcView(input) || pool != null && !pool.nhwc) {
            throw new IllegalStateException("the NHWC batch norm's backward pass got input " + Arrays.toString(input.shape())
                    + " laid out " + Arrays.toString(input.stride()));
        }
        int n = (int) input.size(0);
        int c = (int) input.size(1);
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        INDArray dy = null;
        if (pool == null) {
            dy = NativeFloats.nhwcView(epsilon) ? epsilon
                    : NativeFloats.nhwc(workspaceMgr, ArrayType.ACTIVATION_GRAD, n, c, h, w).assign(epsilon);
        }
        INDArray inputGrad = NativeFloats.nhwc(workspaceMgr, ArrayType.ACTIVATION_GRAD, n, c, h, w);
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        nhwcKernels.backward(NativeFloats.bytes(input), dy == null ? null : NativeFloats.bytes(dy),
                pool == null ? null : NativeFloats.bytes(pool.nhwcGradient), pool == null ? null : pool.where,
                NativeFloats.bytes(inputGrad), n, h, w, c, floats(gamma), training, dGamma, dBeta, trainingFused);
        return new Pair<>(gradient(dGammaView, dBetaView, dGamma, dBeta), inputGrad);
    }

    /** DL4J's gradient of gamma and beta, their values written into the layer's gradient views. */
    private static Gradient gradient(INDArray dGammaView, INDArray dBetaView, float[] dGamma, float[] dBeta) {
        NativeFloats.put(dGammaView, dGamma);
        NativeFloats.put(dBetaView, dBeta);
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return g;
    }

    /** Makes this helper apply the ReLU that follows its layer (see {@link ReluLayer}). */
    void fuseRelu() {
        fuseRelu = true;
    }

    /** Whether {@code x} is this helper's last output, the ReLU already applied. */
    boolean isFusedOutput(INDArray x) {
        return x != null && x == fusedOutput;
    }

    /** Makes this helper also pool its training output, 2x2 stride 2, after the fused ReLU. */
    void fusePool() {
        poolAfter = true;
    }

    /** The pooling of the training output {@code x}, computed with it; null when {@code x} is not that output. */
    FusedPooling pooledOutput(INDArray x) {
        return x != null && x == pooledOutput ? pooling : null;
    }

    /**
     * Called by the pooling layer's backward pass once it has put the pooled output's gradient into
     * {@link #pooling}: the next backward pass takes its gradient from there (the ReLU and the pooling
     * layer pass unwritten epsilons).
     */
    void gradientFromPooling() {
        gradientPending = true;
    }

    /** Whether the epsilon that reaches this helper's next backward pass is unwritten (see {@link #gradientFromPooling}). */
    boolean gradientPending() {
        return gradientPending;
    }

    /** The pooling for a training input of NCHW shape (laid out NHWC or not), when it is to be fused; otherwise null. */
    private FusedPooling poolingFor(INDArray x, boolean nhwc) {
        if (!poolAfter || !fuseRelu || x.rank() != 4 || !FastPath.vectorKernels || !FastPath.fusedPooling) {
            return null;
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        if (!VectorPooling.usable(h, w)) {
            return null;
        }
        if (pooling == null || !pooling.fits(n, c, h, w, nhwc)) {
            pooling = nhwc ? FusedPooling.nhwc(n, c, h, w) : new FusedPooling(n, c, h, w);
        }
        return pooling;
    }

    private static float[] floats(INDArray a) {
        return NativeFloats.contiguous(a) ? copy(a) : a.castTo(DataType.FLOAT).toFloatVector();
    }

    private static float[] copy(INDArray a) {
        float[] v = new float[(int) a.length()];
        NativeFloats.buffer(a).get(0, v);
        return v;
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return mean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return variance;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }
}
