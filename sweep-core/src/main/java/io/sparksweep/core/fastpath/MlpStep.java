package io.sparksweep.core.fastpath;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sdot;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import io.sparksweep.core.model.HeavyBallMomentum;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * DL4J's training step for a plain ReLU MLP, computed with OpenBLAS calls straight on the network's own
 * parameter, gradient and updater-state arrays. A profile of {@code MultiLayerNetwork.fit} on the tutorial
 * MLP (batch 64) puts about a millisecond of every step into ND4J's per-operation machinery (op objects,
 * native contexts, shape buffers, their malloc/free and the garbage their deallocators leave for the
 * collector), as much as the arithmetic itself. Here a step of the tutorial MLP is eight matrix products,
 * three matrix-vector products and one vector update, each one JNI call, plus the element-wise passes
 * (bias, ReLU, softmax) in plain Java loops; a 784-8-8-10 network takes about 25 µs a step against DL4J's
 * 600-1,000. The momentum update costs no pass of its own: the weight gradients' products write
 * {@code m v + g} into the velocity, and one {@code axpy} moves the parameters.
 *
 * <p>It is DL4J's arithmetic, not an approximation: gradients are the mean over the batch (DL4J divides
 * by the batch size), L2 is added before the updater, softmax outputs are clipped at the loss function's
 * epsilon as {@code LossMCXENT} does, and the score is the mean cross-entropy plus the L2 term.
 * {@code MlpStepTest} trains both side by side. The model stays a DL4J network: evaluation, model files and
 * resumption see the parameters and updater state where DL4J keeps them, and the iteration count advances
 * as {@code fit} advances it. Networks this does not cover (other layers or activations, dropout, other
 * optimizers, gradient normalisation, constraints, another backend) train with {@code fit};
 * {@link #unsupported} says why ({@link MlpStepEligibility}).
 */
final class MlpStep {

    private final MultiLayerNetwork net;
    private final int layers;
    /** Widths: {@code width[0]} the input, {@code width[layers]} the classes. */
    private final int[] width;
    private final int maxRows;
    private final FloatPointer[] weights;
    private final FloatPointer[] biases;
    /**
     * Where each layer's weight and bias gradients go: DL4J's gradient view for plain SGD, its velocity
     * for heavy-ball momentum (the products then add {@code momentum} times what is there).
     */
    private final FloatPointer[] weightTargets;
    private final FloatPointer[] biasTargets;
    /** The heavy-ball momentum, or 0 for plain SGD. */
    private final float momentum;
    /** Activated outputs per layer (the output layer's holds its logits); [0] is the batch. */
    private final FloatPointer[] outputs;
    /** Gradients of the loss with respect to each layer's pre-activation. */
    private final FloatPointer[] deltas;
    private final FloatBuffer[] outputBuffers;
    private final FloatBuffer[] deltaBuffers;
    private final float[][] outputCopies;
    private final float[][] deltaCopies;
    private final float[][] biasCopies;
    private final float[] labelCopy;
    private final FloatPointer ones;
    private final FloatPointer params;
    /** What the parameters move against: the velocity (heavy-ball) or the gradient (SGD). */
    private final FloatPointer update;
    private final int numParams;
    private final IUpdater updater;
    private final L2Regularization l2;
    private final float clipEps;
    /** The ND4J arrays behind the pointers above, kept so that ND4J does not free them. */
    private final List<INDArray> owned = new ArrayList<>();

    /** For a network {@link #unsupported} accepts; {@code maxRows} is the largest batch {@link #fit} takes. */
    MlpStep(MultiLayerNetwork net, int maxRows) {
        this.net = net;
        this.maxRows = maxRows;
        Layer[] ls = net.getLayers();
        layers = ls.length;
        width = new int[layers + 1];
        weights = new FloatPointer[layers + 1];
        biases = new FloatPointer[layers + 1];
        weightTargets = new FloatPointer[layers + 1];
        biasTargets = new FloatPointer[layers + 1];
        outputs = new FloatPointer[layers + 1];
        deltas = new FloatPointer[layers + 1];
        outputBuffers = new FloatBuffer[layers + 1];
        deltaBuffers = new FloatBuffer[layers + 1];
        outputCopies = new float[layers + 1][];
        deltaCopies = new float[layers + 1][];
        biasCopies = new float[layers + 1][];
        net.initGradientsView();
        INDArray flatParams = net.params();
        INDArray flatGrads = net.getFlattenedGradients();
        numParams = Math.toIntExact(flatParams.length());
        params = NativeFloats.pointer(flatParams);
        INDArray state = net.getUpdater().getStateViewArray();
        boolean heavyBall = ((BaseLayer) ls[0].conf().getLayer()).getIUpdater() instanceof HeavyBallMomentum;
        if (heavyBall != (state != null && state.length() > 0)) {
            throw new IllegalStateException("updater state " + state + " does not match the updater");
        }
        update = NativeFloats.pointer(heavyBall ? state : flatGrads);
        long updateOffset = update.address() - params.address();
        for (int l = 1; l <= layers; l++) {
            INDArray w = ls[l - 1].getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray b = ls[l - 1].getParam(DefaultParamInitializer.BIAS_KEY);
            width[l - 1] = Math.toIntExact(w.rows());
            width[l] = Math.toIntExact(w.columns());
            weights[l] = NativeFloats.pointer(w);
            biases[l] = NativeFloats.pointer(b);
            weightTargets[l] = NativeFloats.at(weights[l].address() + updateOffset, w.length());
            biasTargets[l] = NativeFloats.at(biases[l].address() + updateOffset, b.length());
            outputs[l] = scratch(maxRows, width[l]);
            deltas[l] = scratch(maxRows, width[l]);
            outputBuffers[l] = outputs[l].asBuffer();
            deltaBuffers[l] = deltas[l].asBuffer();
            outputCopies[l] = new float[maxRows * width[l]];
            deltaCopies[l] = new float[maxRows * width[l]];
            biasCopies[l] = new float[width[l]];
        }
        labelCopy = new float[maxRows * width[layers]];
        ones = scratch(maxRows, 1);
        for (int i = 0; i < maxRows; i++) {
            ones.put(i, 1f);
        }
        BaseLayer first = (BaseLayer) ls[0].conf().getLayer();
        updater = first.getIUpdater();
        momentum = updater instanceof HeavyBallMomentum m ? (float) m.getMomentum() : 0f;
        List<Regularization> reg = first.getRegularization();
        l2 = reg == null || reg.isEmpty() ? null : (L2Regularization) reg.get(0);
        clipEps = (float) ((LossMCXENT) ((OutputLayer) ls[layers - 1].conf().getLayer()).getLossFn()).getSoftmaxClipEps();
    }

    /** The step for this network, or empty when {@link #unsupported} has a reason to leave it to DL4J. */
    static Optional<MlpStep> of(MultiLayerNetwork net, int maxRows) {
        return unsupported(net) == null ? Optional.of(new MlpStep(net, maxRows)) : Optional.empty();
    }

    /** Why this network trains with DL4J's {@code fit}, or null when this step computes DL4J's exactly. */
    static String unsupported(MultiLayerNetwork net) {
        return MlpStepEligibility.reason(net);
    }

    /**
     * One step of SGD on a batch, as {@code net.fit(features, labels)} takes it: returns DL4J's score for
     * the batch (mean cross-entropy plus the L2 term, before the update).
     *
     * @param features rows x inputs, c order, float
     * @param labels   rows x classes, one-hot (or any distribution), c order, float
     */
    double fit(INDArray features, INDArray labels) {
        int rows = Math.toIntExact(features.rows());
        if (rows > maxRows || !features.isMatrix() || !labels.isMatrix() || labels.rows() != rows
                || features.columns() != width[0] || labels.columns() != width[layers]
                || features.ordering() != 'c' || labels.ordering() != 'c'
                || !Shape.hasDefaultStridesForShape(features) || !Shape.hasDefaultStridesForShape(labels)
                || features.dataType() != DataType.FLOAT || labels.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("batch " + features.shapeInfoToString() + " / " + labels.shapeInfoToString()
                    + " does not fit this step (at most " + maxRows + " rows of " + width[0] + " floats and as many label rows of "
                    + width[layers] + ", contiguous c order)");
        }
        int iteration = net.getLayerWiseConfigurations().getIterationCount();
        int epoch = net.getLayerWiseConfigurations().getEpochCount();
        outputs[0] = NativeFloats.pointer(features);
        forward(rows);
        double score = softmaxLossAndDelta(rows, NativeFloats.pointer(labels));
        backward(rows);
        // Heavy-ball: backward already made v = m v + g (the weight gradients' products add into v); DL4J
        // adds L2's c p to the gradient before the updater, which here adds it to v. Then p -= lr v.
        if (l2 != null) {
            float c = (float) l2.getL2().valueAt(iteration, epoch);
            score += 0.5 * c * cblas_sdot(numParams, params, 1, params, 1);
            cblas_saxpy(numParams, c, params, 1, update, 1);
        }
        float lr = (float) updater.getLearningRate(iteration, epoch);
        cblas_saxpy(numParams, -lr, update, 1, params, 1);
        net.getLayerWiseConfigurations().setIterationCount(iteration + 1);
        net.setScore(score);
        return score;
    }

    private void forward(int rows) {
        for (int l = 1; l <= layers; l++) {
            int in = width[l - 1];
            int out = width[l];
            // z = x W + b with W stored as DL4J keeps it ('f' order [in, out], i.e. row-major W^T).
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1f, outputs[l - 1], in, weights[l], in, 0f, outputs[l], out);
            if (l < layers) {
                float[] a = outputCopies[l];
                float[] b = biasCopies[l];
                biases[l].get(b);
                outputBuffers[l].get(0, a, 0, rows * out);
                for (int r = 0; r < rows; r++) {
                    int o = r * out;
                    for (int c = 0; c < out; c++) {
                        // Math.max, not a comparison: about half the signs are negative, so a branch
                        // mispredicts (this loop took 15% of a step that way); max compiles branch-free.
                        a[o + c] = Math.max(a[o + c] + b[c], 0f);
                    }
                }
                outputBuffers[l].put(0, a, 0, rows * out);
            }
        }
    }

    /** Softmax of the output layer, its clipped cross-entropy and delta (p - y) / rows, as DL4J's LossMCXENT. */
    private double softmaxLossAndDelta(int rows, FloatPointer labels) {
        int classes = width[layers];
        int n = rows * classes;
        float[] z = outputCopies[layers];
        float[] b = biasCopies[layers];
        float[] y = labelCopy;
        float[] d = deltaCopies[layers];
        outputBuffers[layers].get(0, z, 0, n);
        biases[layers].get(b);
        labels.get(y, 0, n);
        double loss = 0;
        float invRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int o = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                z[o + c] += b[c];
                max = Math.max(max, z[o + c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++) {
                z[o + c] = (float) Math.exp(z[o + c] - max);
                sum += z[o + c];
            }
            for (int c = 0; c < classes; c++) {
                float p = Math.min(Math.max(z[o + c] / sum, clipEps), 1f - clipEps);
                if (y[o + c] != 0f) {
                    loss -= y[o + c] * Math.log(p);
                }
                d[o + c] = (p - y[o + c]) * invRows;
            }
        }
        deltaBuffers[layers].put(0, d, 0, n);
        return loss / rows;
    }

    private void backward(int rows) {
        for (int l = layers; l >= 1; l--) {
            int in = width[l - 1];
            int out = width[l];
            // dW^T = delta^T x  (row-major [out, in], which is DL4J's 'f' order [in, out]); db = 1^T delta.
            // With momentum they go straight into the velocity: v = m v + g is the products' beta = m.
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, rows, 1f, deltas[l], out, outputs[l - 1], in, momentum, weightTargets[l], in);
            cblas_sgemv(CblasRowMajor, CblasTrans, rows, out, 1f, deltas[l], out, ones, 1, momentum, biasTargets[l], 1);
            if (l > 1) {
                // The input's gradient delta W^T, through the ReLU below: zero where that layer's output is.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, in, out, 1f, deltas[l], out, weights[l], in, 0f, deltas[l - 1], in);
                float[] d = deltaCopies[l - 1];
                float[] a = outputCopies[l - 1];
                int n = rows * in;
                deltaBuffers[l - 1].get(0, d, 0, n);
                for (int k = 0; k < n; k++) {
                    d[k] *= ReluLayer.step(a[k]);
                }
                deltaBuffers[l - 1].put(0, d, 0, n);
            }
        }
    }

    private FloatPointer scratch(int rows, int columns) {
        INDArray a;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            a = Nd4j.create(DataType.FLOAT, rows, columns);
        }
        owned.add(a);
        return NativeFloats.pointer(a);
    }
}
