package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
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
 * libnd4j's {@code maxpool2d_bp} runs the forward pooling again to find the maxima before the backward one;
 * here the forward pass keeps where each maximum was (one byte per output) and the backward pass writes
 * the gradient there and zeros elsewhere. Ties go to the first maximum in row order, as in oneDNN.
 * Other poolings, paddings, layouts and data types keep DL4J's path.
 */
public final class MaxPoolLayer extends SubsamplingLayer {

    private float[] plane = new float[0];
    private float[] pooled = new float[0];
    private byte[] where = new byte[0];
    /** The input whose maxima {@link #where} holds, so that backprop uses them only for that input. */
    private INDArray forwardInput;

    private MaxPoolLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Replaces the network's 2x2 stride-2 max-pooling layer objects; returns how many. */
    static int install(MultiLayerNetwork net) {
        Layer[] layers = net.getLayers();
        DataType dataType = net.getLayerWiseConfigurations().getDataType();
        int replaced = 0;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].getClass() == SubsamplingLayer.class
                    && layers[i].conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf
                    && handled(conf)) {
                MaxPoolLayer layer = new MaxPoolLayer(layers[i].conf(), dataType);
                layer.setListeners(layers[i].getListeners());
                layer.setIndex(layers[i].getIndex());
                layers[i] = layer;
                replaced++;
            }
        }
        net.setLayers(layers);
        return replaced;
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
        if (input == null || input.dataType() != DataType.FLOAT || input.rank() != 4) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray x = NativeFloats.contiguousOrCopy(input);
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int ho = h / 2;
        int wo = w / 2;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {x.size(0), x.size(1), ho, wo}, 'c');
        if (plane.length < h * w) {
            plane = new float[h * w];
            pooled = new float[ho * wo];
        }
        if (training && where.length < planes * ho * wo) {
            where = new byte[planes * ho * wo];
        }
        FloatBuffer in = NativeFloats.buffer(x);
        FloatBuffer to = NativeFloats.buffer(out);
        for (int p = 0; p < planes; p++) {
            in.get(p * h * w, plane, 0, h * w);
            int base = p * ho * wo;
            for (int i = 0; i < ho; i++) {
                int r0 = 2 * i * w;
                int r1 = r0 + w;
                for (int j = 0; j < wo; j++) {
                    float a = plane[r0 + 2 * j];
                    float b = plane[r0 + 2 * j + 1];
                    float c = plane[r1 + 2 * j];
                    float d = plane[r1 + 2 * j + 1];
                    int k = 0;
                    float m = a;
                    if (b > m) {
                        m = b;
                        k = 1;
                    }
                    if (c > m) {
                        m = c;
                        k = 2;
                    }
                    if (d > m) {
                        m = d;
                        k = 3;
                    }
                    pooled[i * wo + j] = m;
                    if (training) {
                        where[base + i * wo + j] = (byte) k;
                    }
                }
            }
            to.put(base, pooled, 0, ho * wo);
        }
        if (training) {
            forwardInput = input;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (forwardInput == null || forwardInput != input || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray dy = NativeFloats.contiguousOrCopy(epsilon);
        int planes = (int) (input.size(0) * input.size(1));
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        int ho = h / 2;
        int wo = w / 2;
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        FloatBuffer g = NativeFloats.buffer(dy);
        FloatBuffer to = NativeFloats.buffer(dx);
        for (int p = 0; p < planes; p++) {
            int base = p * ho * wo;
            g.get(base, pooled, 0, ho * wo);
            Arrays.fill(plane, 0, h * w, 0f);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    int k = where[base + i * wo + j];
                    plane[(2 * i + (k >> 1)) * w + 2 * j + (k & 1)] = pooled[i * wo + j];
                }
            }
            to.put(p * h * w, plane, 0, h * w);
        }
        forwardInput = null;
        return new Pair<>(new DefaultGradient(), dx);
    }
}
