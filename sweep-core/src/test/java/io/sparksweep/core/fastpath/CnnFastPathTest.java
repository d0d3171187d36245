package io.sparksweep.core.fastpath;

import io.sparksweep.core.model.NetworkFactory;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.trial.TrialParams;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CNN's fast layers ({@link FastPath#install}) train as DL4J's own layers do, step by step. */
class CnnFastPathTest {

    private static MultiLayerConfiguration cnn(double dropout) {
        // Three blocks: 28 -> 14 -> 7 -> 3, the last pooling truncating an odd side as the tutorial's does.
        TrialParams p = new TrialParams(new Architecture.Cnn("c", List.of(4, 4, 8), List.of(16), dropout),
                new OptimizerSpec.Momentum(0.9), 0.05, 16, 0.0, 1e-4);
        return NetworkFactory.configuration(p, new LrSchedule.Constant(), 5);
    }

    private static DataSet batch(int seed, int rows, int columns) {
        INDArray x = TestImages.uniform(seed, rows, columns, -1f, 1f);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, 10);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, (i * 3 + seed) % 10, 1f);
        }
        return new DataSet(x, y);
    }

    private static long count(MultiLayerNetwork net, Class<?> kind) {
        return List.of(net.getLayers()).stream().filter(kind::isInstance).count();
    }

    /** Trains DL4J's network and a copy with the fast layers on the same batches; returns the copy. */
    private static MultiLayerNetwork assertTrainsLikeDl4j(MultiLayerConfiguration conf, int columns) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf.clone());
        dl4j.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
        fast.init(dl4j.params().dup(), true);
        FastPath.install(fast);
        for (int step = 0; step < 5; step++) {
            DataSet b = batch(step, 16, columns);
            Nd4j.getRandom().setSeed(100 + step); // the same dropout masks for both
            dl4j.fit(b);
            Nd4j.getRandom().setSeed(100 + step);
            fast.fit(b);
            assertEquals(dl4j.score(), fast.score(), 1e-4 * Math.abs(dl4j.score()), "score after step " + step);
        }
        INDArray a = dl4j.params();
        INDArray o = fast.params();
        assertTrue(a.equalsWithEps(o, 1e-4), "parameters (running statistics included) differ by " + a.sub(o).amaxNumber());
        INDArray x = batch(99, 8, columns).getFeatures();
        assertTrue(dl4j.output(x).equalsWithEps(fast.output(x), 1e-4), "inference differs");
        return fast;
    }

    @Test
    void tutorialCnn_trainsAsDl4jDoes() throws IOException {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        MultiLayerNetwork fast = assertTrainsLikeDl4j(cnn(0.0), 784);
        assertEquals(3, count(fast, ReusingConvolutionLayer.class), "convolutions replaced");
        assertEquals(3, count(fast, MaxPoolLayer.class), "poolings replaced");
        assertEquals(4, count(fast, ReluLayer.class), "ReLU layers replaced");
        long fused = List.of(fast.getLayers()).stream()
                .filter(l -> l instanceof BatchNormalization bn && bn.getHelper() instanceof BatchNormHelper).count();
        assertEquals(4, fused, "batch norms with sparksweep's helper");

        // The model file is plain DL4J: restored, it answers as the trained network does.
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelSerializer.writeModel(fast, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(file.toByteArray()), true);
        for (Layer l : restored.getLayers()) {
            assertTrue(l.getClass().getName().startsWith("org.deeplearning4j."), "restored layer " + l.getClass());
        }
        INDArray x = batch(7, 8, 784).getFeatures();
        assertTrue(restored.output(x).equalsWithEps(fast.output(x), 1e-5), "restored model answers differently");
    }

    /** A CNN wide enough (16, 32 and 16 channels) for whole vectors of channels, 16 to a vector. */
    private static MultiLayerConfiguration wideCnn(double dropout) {
        return NetworkFactory.configuration(new TrialParams(new Architecture.Cnn("w", List.of(16, 32, 16), List.of(16), dropout),
                new OptimizerSpec.Momentum(0.9), 0.05, 16, 0.0, 1e-4), new LrSchedule.Constant(), 5);
    }

    /**
     * The convolutions, their batch norms and poolings train in NHWC ({@link NhwcBatchNorm}) as DL4J's layers
     * do in NCHW, the dense layers after the last pooling and dropout included.
     */
    @Test
    void wideCnn_trainsInNhwcAsDl4jDoes() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        assumeTrue(FastPath.vectorKernels && VectorPooling.usable(2, 2), "no 512-bit Vector API here");
        MultiLayerNetwork fast = assertTrainsLikeDl4j(wideCnn(0.4), 784);
        List<Long> nhwc = List.of(fast.getLayers()).stream()
                .filter(l -> l instanceof BatchNormalization bn && bn.getHelper() instanceof BatchNormHelper)
                .map(l -> ((BatchNormHelper) ((BatchNormalization) l).getHelper()).nhwcBatches).toList();
        assertEquals(List.of(5L, 5L, 5L, 0L), nhwc, "training batches in NHWC, batch norm by batch norm");
    }

    /**
     * Inference on more images than a training batch holds (as evaluation's batches of 256 after batches of
     * 64) answers as DL4J does, with the Vector API's kernels and with the plain loops: the tiny CNN, and
     * one wide enough (16 and 32 channels) for whole vectors of channels in the NHWC layers.
     */
    @Test
    void inferenceOnALargerBatch_answersAsDl4jDoes() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        assertInfersAsDl4j(cnn(0.0));
        assertInfersAsDl4j(wideCnn(0.0));
    }

    private static void assertInfersAsDl4j(MultiLayerConfiguration conf) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf.clone());
        dl4j.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
        fast.init(dl4j.params().dup(), true);
        FastPath.install(fast);
        for (int step = 0; step < 2; step++) {
            fast.fit(batch(step, 16, 784));
        }
        // The trained parameters (batch norms' running statistics included) for both: inference alone compared.
        dl4j.setParams(fast.params().dup());
        INDArray x = batch(42, 40, 784).getFeatures();
        INDArray expected = dl4j.output(x);
        boolean vector = FastPath.vectorKernels;
        try {
            for (boolean on : new boolean[] {vector, false}) {
                FastPath.vectorKernels = on;
                INDArray got = fast.output(x);
                assertTrue(expected.equalsWithEps(got, 1e-4), "vector kernels " + on + ": inference differs by "
                        + expected.sub(got).amaxNumber());
            }
        } finally {
            FastPath.vectorKernels = vector;
        }
    }

    /** {@code -Dsparksweep.fastLayers=false} leaves every layer object DL4J's own, for comparison. */
    @Test
    void fastLayersOff_leavesDl4jsLayers() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        MultiLayerNetwork net = new MultiLayerNetwork(cnn(0.4));
        net.init();
        System.setProperty(FastPath.FAST_LAYERS_PROPERTY, "false");
        try {
            FastPath.install(net);
        } finally {
            System.clearProperty(FastPath.FAST_LAYERS_PROPERTY);
        }
        for (Layer l : net.getLayers()) {
            assertTrue(l.getClass().getName().startsWith("org.deeplearning4j."), "layer " + l.getClass());
            assertTrue(!(l instanceof BatchNormalization bn) || !(bn.getHelper() instanceof BatchNormHelper), "batch norm helper");
        }
        FastPath.install(net);
        assertEquals(3, count(net, ReusingConvolutionLayer.class), "convolutions replaced without the property");
    }

    /** Without the Vector API (a JVM without its module, or no 512-bit vectors): the plain loops and im2col. */
    @Test
    void plainLoops_trainAsDl4jDoes() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        boolean vector = FastPath.vectorKernels;
        FastPath.vectorKernels = false;
        try {
            assertTrainsLikeDl4j(cnn(0.4), 784);
        } finally {
            FastPath.vectorKernels = vector;
        }
    }

    @Test
    void tutorialCnnWithDropout_trainsAsDl4jDoes() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        assertTrainsLikeDl4j(cnn(0.4), 784);
    }

    /**
     * The pooling done in the batch norm's passes trains exactly as the pooling layer's own: the same
     * arithmetic in another place, so the parameters agree to the bit. The blocks' sides (28, 14, 7) cover
     * planes that a row holds one of, several of, and odd sides.
     */
    @Test
    void fusedPooling_trainsExactlyAsThePoolingLayer() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        assumeTrue(FastPath.vectorKernels && VectorPooling.usable(2, 2), "no 512-bit Vector API here");
        MultiLayerConfiguration conf = cnn(0.4);
        MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
        for (int k = 0; k < 2; k++) {
            nets[k] = new MultiLayerNetwork(conf.clone());
            nets[k].init();
            FastPath.install(nets[k]);
        }
        nets[1].setParams(nets[0].params().dup());
        try {
            for (int step = 0; step < 4; step++) {
                DataSet b = batch(step, 16, 784);
                for (int k = 0; k < 2; k++) {
                    FastPath.fusedPooling = k == 0;
                    Nd4j.getRandom().setSeed(100 + step);
                    nets[k].fit(b);
                }
                assertEquals(nets[1].score(), nets[0].score(), 0.0, "score after step " + step);
            }
        } finally {
            FastPath.fusedPooling = true;
        }
        INDArray fused = nets[0].params();
        INDArray own = nets[1].params();
        assertTrue(fused.equals(own), "parameters differ by " + fused.sub(own).amaxNumber());
    }

    /** Windows whose maximum appears twice or more: the gradient goes to one element, the first. */
    @Test
    void maxPoolingWithTies_trainsAsDl4jDoes() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1)).list()
                .layer(new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build();
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf.clone());
        dl4j.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
        fast.init(dl4j.params().dup(), true);
        FastPath.install(fast);
        assertEquals(1, count(fast, MaxPoolLayer.class));
        for (int step = 0; step < 3; step++) {
            DataSet b = batch(step, 16, 36);
            b.setFeatures(Transforms.round(b.getFeatures().addi(1))); // 0, 1 or 2: most windows tie
            dl4j.fit(b);
            fast.fit(b);
        }
        INDArray a = dl4j.params();
        INDArray o = fast.params();
        assertTrue(a.equalsWithEps(o, 1e-5), "parameters differ by " + a.sub(o).amaxNumber());
    }

    /** A ReLU layer with no batch norm before it computes the ReLU itself. */
    @Test
    void reluStep_isOneExactlyAboveZero_subnormalsIncluded() {
        float[] above = {Float.MIN_VALUE, 3 * Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        float[] notAbove = {0f, -0f, -Float.MIN_VALUE, -1f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        for (float y : above) {
            assertEquals(1f, ReluLayer.step(y), "step(" + y + ")");
        }
        for (float y : notAbove) {
            assertEquals(0f, ReluLayer.step(y), "step(" + y + ")");
        }
    }

    @Test
    void reluLayerAfterDenseLayer_trainsAsDl4jDoes() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(10).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(10).nOut(10).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork fast = assertTrainsLikeDl4j(conf, 12);
        assertEquals(1, count(fast, ReluLayer.class));
    }
}
