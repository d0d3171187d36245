package io.sparksweep.core.fastpath;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * sparksweep's training fast path, the one door to it: DL4J's oneDNN layer helpers ({@link LayerHelpers}),
 * layer objects that reuse their buffers ({@link ReusingDenseLayer}, {@link BatchNormHelper}), and the
 * MLP step on OpenBLAS ({@link MlpStep}). Every piece computes what DL4J computes (their tests train both
 * side by side); the networks stay DL4J's, so model files, evaluation and checkpoints are unchanged.
 * {@code -Dsparksweep.mlpStep=false} and {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} put
 * DL4J's own path back, for comparison.
 */
public final class FastPath {

    /** Set to false to train every network with DL4J's {@code fit}, for comparison with {@link MlpStep}. */
    public static final String MLP_STEP_PROPERTY = "sparksweep.mlpStep";

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

    /** Call after a network is initialised or restored: swaps in the fast layer objects for training. */
    public static void install(MultiLayerNetwork net) {
        ReusingDenseLayer.install(net);
        ReusingConvolutionLayer.install(net);
        BatchNormHelper.install(net);
        ReluLayer.install(net);
        MaxPoolLayer.install(net);
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
