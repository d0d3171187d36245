package io.sparksweep.core.fastpath;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * sparksweep's training fast path, the one door to it: DL4J's oneDNN layer helpers ({@link LayerHelpers}),
 * layer objects that reuse their buffers ({@link ReusingDenseLayer}, {@link BatchNormHelper}), and the
 * MLP step on OpenBLAS ({@link MlpStep}), and the CNN's max pooling in the Vector API where the JVM has
 * it ({@link VectorPooling}), done in the batch norm's passes when it follows a batch norm and ReLU
 * ({@link BatchNormKernels}). Every piece computes what DL4J computes (their tests train both
 * side by side); the networks stay DL4J's, so model files, evaluation and checkpoints are unchanged.
 * {@code -Dsparksweep.mlpStep=false}, {@code -Dsparksweep.fastLayers=false}, {@code -Dsparksweep.vectorKernels=false},
 * {@code -Dsparksweep.fusedPooling=false} and {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} put
 * DL4J's own path back a piece at a time, for comparison.
 */
public final class FastPath {

    /** Set to false to train every network with DL4J's {@code fit}, for comparison with {@link MlpStep}. */
    public static final String MLP_STEP_PROPERTY = "sparksweep.mlpStep";

    /**
     * Set to false to keep DL4J's own layer objects and helpers (oneDNN's, where DL4J has them) instead of
     * sparksweep's dense, convolution, batch norm, ReLU and pooling layers, for comparison.
     */
    public static final String FAST_LAYERS_PROPERTY = "sparksweep.fastLayers";

    /** Set to false to run the plain loops where the Vector API's ({@link VectorPooling}) would run. */
    public static final String VECTOR_PROPERTY = "sparksweep.vectorKernels";

    /**
     * Whether the JVM has the Vector API's module ({@code --add-modules=jdk.incubator.vector}, in
     * conf/jvm.properties): the classes that use it load only then. A JVM without it runs the plain loops.
     */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Whether the Vector API's loops run where they apply; a field, so that a benchmark can alternate them. */
    static boolean vectorKernels = VECTOR_API && Boolean.parseBoolean(System.getProperty(VECTOR_PROPERTY, "true"));

    /** Set to false to pool in the pooling layer where a batch norm and its ReLU before it would (BatchNormKernels). */
    public static final String FUSED_POOLING_PROPERTY = "sparksweep.fusedPooling";

    /** Whether a 2x2 max pooling after a batch norm and ReLU is done in the batch norm's passes; a field, as above. */
    static boolean fusedPooling = Boolean.parseBoolean(System.getProperty(FUSED_POOLING_PROPERTY, "true"));

    /**
     * Whether the first convolution's weight gradient uses {@link VectorConvolution} where the Vector API's
     * loops run, rather than im2col and OpenBLAS; a field for benchmarks alone.
     */
    static boolean vectorGradients = true;

    /**
     * Whether the first convolution's forward pass uses {@link VectorConvolution} where the Vector API's loops
     * run, rather than oneDNN; a field for benchmarks alone.
     */
    static boolean vectorForward = true;

    /**
     * Whether a convolution's batch norm in inference runs in place in the Vector API ({@link VectorBatchNorm})
     * where its loops run, rather than through {@link BatchNormKernels}' heap rows; a field for benchmarks alone.
     */
    static boolean vectorInference = true;

    /**
     * Whether inference's convolutions write NHWC arrays (the first layer's when its channels fill whole
     * vectors, {@link NhwcBatchNorm#takes}), which the batch norm and pooling after them read and write NHWC
     * in the Vector API, so that oneDNN's convolutions need no layout reorders ({@link ReusingConvolutionLayer});
     * a field for benchmarks alone.
     */
    static boolean nhwcInference = true;

    /**
     * Whether training's convolutions write NHWC arrays too (those whose channels fill whole vectors), which
     * their batch norm and pooling train on in NHWC ({@link NhwcBatchNorm}); a field for benchmarks alone.
     */
    static boolean nhwcTraining = true;

    private FastPath() {
    }

    /** One training step on a batch; returns DL4J's score for it (the loss before the update). */
    public interface TrainingStep {
        double fit(DataSet batch);

        /** {@code mlp-step}, or {@code dl4j-fit} with the reason the fast step does not apply. */
        String describe();
    }

    /** Call before a network is built or restored, so that DL4J gives its layers oneDNN helpers. */
    public static void beforeBuild() {
        LayerHelpers.allow();
    }

    /**
     * Call after a network is initialised or restored: swaps in the fast layer objects for training, on the
     * CPU backend (a CUDA executor's layers keep DL4J's objects and cuDNN's helpers).
     */
    public static void install(MultiLayerNetwork net) {
        // The layers read and write ND4J's buffers through host pointers: the CPU backend's arrays only.
        if (!Boolean.parseBoolean(System.getProperty(FAST_LAYERS_PROPERTY, "true")) || !Nd4j.getEnvironment().isCPU()) {
            return;
        }
        ReusingDenseLayer.install(net);
        int convolutions = ReusingConvolutionLayer.install(net);
        BatchNormHelper.install(net);
        ReluLayer.install(net);
        int poolings = MaxPoolLayer.install(net);
        if (convolutions + poolings > 0 && vectorKernels && VectorPooling.usable(2, 2)) {
            warmUpVectorKernels(!allNhwc(net));
        }
    }

    /**
     * Whether every convolution of {@code net} has whole vectors of output channels, so that its layers run
     * in NHWC ({@link NhwcBatchNorm}) and the NCHW kernels' warm-up can be left out.
     */
    private static boolean allNhwc(MultiLayerNetwork net) {
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv
                    && (!nhwcTraining || !nhwcInference || !NhwcBatchNorm.takes(conv.getNOut()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean warmNhwc;
    private static boolean warmNchw;

    /**
     * Warms the Vector API's kernels up now, once per JVM, where they apply: for a JVM that will train a
     * CNN, on a thread of its own while other start-up work goes on, so that its first network does not
     * wait for them.
     */
    public static void warmUp() {
        if (vectorKernels && VectorPooling.usable(2, 2)) {
            // The NHWC kernels only, those of the tutorial's CNN: a network that needs the others warms them at install.
            warmUpVectorKernels(false);
        }
    }

    /**
     * Once per JVM, before the first network that uses them trains (see {@link VectorPooling#warmUp}): the
     * NHWC kernels, and the NCHW ones too with {@code nchw} (a convolution of other channel counts). Every
     * kernel of a kind runs whenever either kind of layer is there: a second network of the other kind would
     * otherwise start cold.
     */
    private static synchronized void warmUpVectorKernels(boolean nchw) {
        if (!warmNhwc || nchw && !warmNchw) {
            VectorPooling.warmUp(nchw);
            if (nchw) {
                VectorConvolution.warmUp();
            }
            NhwcConvolution.warmUp();
            VectorBatchNorm.warmUp(nchw);
            NhwcBatchNorm.warmUp();
            warmNhwc = true;
            warmNchw |= nchw;
        }
    }

    /** Whether layers built now get oneDNN helpers (the row's backend then says {@code +onednn}). */
    public static boolean oneDnnActive() {
        return LayerHelpers.active();
    }

    /** The training step for {@code net} at batches of at most {@code maxBatch} rows. */
    public static TrainingStep step(MultiLayerNetwork net, int maxBatch) {
        String why = Boolean.parseBoolean(System.getProperty(MLP_STEP_PROPERTY, "true"))
                ? MlpStep.unsupported(net) : MLP_STEP_PROPERTY + "=false";
        if (why == null) {
            MlpStep step = new MlpStep(net, maxBatch);
            return new TrainingStep() {
                @Override
                public double fit(DataSet batch) {
                    return step.fit(batch.getFeatures(), batch.getLabels());
                }

                @Override
                public String describe() {
                    return "mlp-step";
                }
            };
        }
        return new TrainingStep() {
            @Override
            public double fit(DataSet batch) {
                net.fit(batch);
                return net.score();
            }

            @Override
            public String describe() {
                return "dl4j-fit (" + why + ")";
            }
        };
    }
}
