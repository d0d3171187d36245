package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's 2x2, stride-2 max pooling (the tutorial CNN's) in one pass each way. Through DL4J's oneDNN helper,
 * libnd4j's {@code maxpool2d_bp} runs the forward pooling again, with oneDNN's workspace of where the
 * maxima were, before the backward one, and each pass reorders its arrays. Here each pass reads every
 * image plane once: forward the maximum of each window and where it was (0-3; the first maximum in
 * row order, as in oneDNN), backward the gradient written there and zeros elsewhere. Where the JVM has
 * the Vector API ({@link FastPath#vectorKernels}), {@link VectorPooling} does both passes in place on
 * ND4J's buffers; otherwise the plain loops below copy each plane to the heap.
 * Other poolings, paddings, layouts and data types keep DL4J's path.
 */
public final class MaxPoolLayer extends SubsamplingLayer {

    private float[] plane = new float[0];
    private float[] pooled = new float[0];
    /** Where each window's maximum was (0-3 in row order), for the last forward pass. */
    private float[] where = new float[0];
    /** Whether the last forward pass ran {@link VectorPooling}'s loops, so that backprop does too. */
    private boolean vectorised;
    /** The input of the last training forward pass, so that backprop uses {@link #where} only for it. */
    private INDArray forwardInput;
    /** The batch norm before the ReLU before this layer, whose helper may pool for it, or null. */
    private BatchNormHelper fusedWith;
    /** The pooling that the batch norm did for the last training forward pass, or null. */
    private FusedPooling fusedPooling;

    private MaxPoolLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Replaces the network's 2x2 stride-2 max-pooling layer objects; returns how many. A pooling layer right
     * after a ReLU that a batch norm's helper applies has that helper pool in training ({@link BatchNormKernels}).
     */
    static int install(MultiLayerNetwork net) {
        return LayerSwap.install(net, (layers, i, dataType) -> {
            if (layers[i].getClass() != SubsamplingLayer.class
                    || !(layers[i].conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf)
                    || !handled(conf)) {
                return null;
            }
            MaxPoolLayer layer = new MaxPoolLayer(layers[i].conf(), dataType);
            if (i > 0 && layers[i - 1] instanceof ReluLayer relu && relu.fusedWith() != null) {
                layer.fusedWith = relu.fusedWith();
                layer.fusedWith.fusePool();
            }
            return layer;
        });
    }

    private static boolean handled(org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf) {
        return conf.getPoolingType() == PoolingType.MAX && conf.getIDropout() == null
                && Arrays.equals(conf.getKernelSize(), new int[] {2, 2}) && Arrays.equals(conf.getStride(), new int[] {2, 2})
                && Arrays.equals(conf.getPadding(), new int[] {0, 0}) && Arrays.equals(conf.getDilation(), new int[] {1, 1})
                && conf.getConvolutionMode() == ConvolutionMode.Truncate && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forwardInput = null;
        fusedPooling = null;
        if (input == null || input.dataType() != DataType.FLOAT || input.rank() != 4) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        FusedPooling pool = training && fusedWith != null ? fusedWith.pooledOutput(input) : null;
        if (pool != null) {
            fusedPooling = pool;
            forwardInput = input;
            return fusedForward(pool, workspaceMgr);
        }
        if (!training && NativeFloats.nhwcView(input) && FastPath.vectorKernels && VectorPooling.usable(2, 2)
                && input.length() * Float.BYTES <= Integer.MAX_VALUE) {
            // An NHWC convolution's batch norm's output (ReusingConvolutionLayer), pooled into NHWC for the next one.
            INDArray out = NativeFloats.nhwc(workspaceMgr, input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2);
            VectorPooling.forwardNhwc(NativeFloats.bytes(input), NativeFloats.bytes(out), (int) input.size(0), (int) input.size(2),
                    (int) input.size(3), (int) input.size(1));
            return out;
        }
        INDArray x = NativeFloats.contiguousOrCopy(input);
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int ho = h / 2;
        int wo = w / 2;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {x.size(0), x.size(1), ho, wo}, 'c');
        vectorised = FastPath.vectorKernels && VectorPooling.usable(h, w);
        if ((training || !vectorised) && where.length < planes * ho * wo + VectorPooling.SLACK) {
            where = new float[planes * ho * wo + VectorPooling.SLACK];
        }
        if (vectorised) {
            // Inference has no backward pass to need the maxima's places.
            VectorPooling.forward(NativeFloats.bytes(x), NativeFloats.bytes(out), training ? where : null, planes, h, w);
        } else {
            scalarForward(x, out, planes, h, w);
        }
        if (training) {
            forwardInput = input;
        }
        return out;
    }

    private void scalarForward(INDArray x, INDArray out, int planes, int h, int w) {
        int ho = h / 2;
        int wo = w / 2;
        buffers(h * w, ho * wo);
        FloatBuffer in = NativeFloats.buffer(x);
        FloatBuffer to = NativeFloats.buffer(out);
        for (int p = 0; p < planes; p++) {
            in.get(p * h * w, plane, 0, h * w);
            int base = p * ho * wo;
            for (int i = 0; i < ho; i++) {
                int r0 = 2 * i * w;
                int r1 = r0 + w;
                for (int j = 0; j < wo; j++) {
                    // Integer keys ordered as the floats are, so that max and the index are conditional
                    // moves: branches on the order of activations are mispredicted half the time.
                    int best = key(plane[r0 + 2 * j]);
                    int k = 0;
                    int b = key(plane[r0 + 2 * j + 1]);
                    k = b > best ? 1 : k;
                    best = Math.max(best, b);
                    int c = key(plane[r1 + 2 * j]);
                    k = c > best ? 2 : k;
                    best = Math.max(best, c);
                    int d = key(plane[r1 + 2 * j + 1]);
                    k = d > best ? 3 : k;
                    best = Math.max(best, d);
                    pooled[i * wo + j] = Float.intBitsToFloat(key(best));
                    where[base + i * wo + j] = k;
                }
            }
            to.put(base, pooled, 0, ho * wo);
        }
    }

    /**
     * The float's bits as an int in the floats' order (negative floats' magnitude bits flipped); the map is
     * its own inverse. NaN and the order of -0 and +0 aside, a &gt; b as floats exactly when key(a) &gt; key(b).
     */
    private static int key(float f) {
        int bits = Float.floatToRawIntBits(f);
        return key(bits);
    }

    private static int key(int bits) {
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** The batch norm's pooled output: its NHWC array, or a copy from its channel-major order into NCHW. */
    private INDArray fusedForward(FusedPooling pool, LayerWorkspaceMgr workspaceMgr) {
        return pool.output(workspaceMgr, (int) input.size(0), (int) input.size(1));
    }

    /**
     * The incoming gradient copied into the batch norm's pooling, whose backward pass spreads it over the
     * windows; the epsilon returned is left unwritten, as the ReLU passes it on and the batch norm reads
     * the gradient from the pooling instead.
     */
    private Pair<Gradient, INDArray> fusedBackward(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        FusedPooling pool = fusedPooling;
        fusedPooling = null;
        forwardInput = null;
        pool.takeGradient(epsilon, (int) input.size(0), (int) input.size(1));
        fusedWith.gradientFromPooling();
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        return new Pair<>(new DefaultGradient(), dx);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (forwardInput == null || forwardInput != input || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        if (fusedPooling != null) {
            return fusedBackward(epsilon, workspaceMgr);
        }
        INDArray dy = NativeFloats.contiguousOrCopy(epsilon);
        int planes = (int) (input.size(0) * input.size(1));
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        forwardInput = null;
        if (vectorised) {
            VectorPooling.backward(NativeFloats.bytes(dy), where, NativeFloats.bytes(dx), planes, h, w);
        } else {
            scalarBackward(dy, dx, planes, h, w);
        }
        return new Pair<>(new DefaultGradient(), dx);
    }

    private void scalarBackward(INDArray dy, INDArray dx, int planes, int h, int w) {
        int ho = h / 2;
        int wo = w / 2;
        buffers(h * w, ho * wo);
        FloatBuffer g = NativeFloats.buffer(dy);
        FloatBuffer to = NativeFloats.buffer(dx);
        for (int p = 0; p < planes; p++) {
            int base = p * ho * wo;
            g.get(base, pooled, 0, ho * wo);
            Arrays.fill(plane, 0, h * w, 0f);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    int k = (int) where[base + i * wo + j];
                    plane[(2 * i + (k >> 1)) * w + 2 * j + (k & 1)] = pooled[i * wo + j];
                }
            }
            to.put(p * h * w, plane, 0, h * w);
        }
    }

    private void buffers(int planeSize, int pooledSize) {
        if (plane.length < planeSize) {
            plane = new float[planeSize];
        }
        if (pooled.length < pooledSize) {
            pooled = new float[pooledSize];
        }
    }
}
