package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The first convolution (one input channel, 3x3: {@link VectorConvolution#forwardTakes}) in NHWC, for the
 * NHWC batch norm after it ({@link NhwcBatchNorm}, {@link ReusingConvolutionLayer}): the forward pass and
 * the weight and bias gradients, 16 output channels to a vector, from the same rows of taps as
 * {@link VectorConvolution}'s NCHW passes ({@link VectorConvolution#layOutTaps}).
 *
 * <p>This class is loaded only where the JVM runs with {@code --add-modules=jdk.incubator.vector}.
 */
final class NhwcConvolution {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int FORWARD_TAPS = VectorConvolution.FORWARD_TAPS;

    private float[] image = new float[0];
    private float[] taps = new float[0];
    private float[] kernelT = new float[0];
    private float[] biasT = new float[0];
    private double[] sumsT = new double[0];
    /** One image's sums for a vector of channels: the 9 taps', then the bias's, 16 lanes each. */
    private final float[] lanesT = new float[(FORWARD_TAPS + 1) * LANES];

    /**
     * {@link VectorConvolution#forward} into an NHWC output ([n][ho][wo][oc]) for {@link NhwcBatchNorm} after it, oc a
     * multiple of 16: each output position's taps broadcast into every vector of 16 output channels, in the
     * same order and with the same fused multiply-adds as {@link VectorConvolution#forward}, so both give the same floats.
     */
    void forward(FloatBuffer x, ByteBuffer out, int n, int ic, int h, int w, int oc, int kh, int kw, int ph, int pw,
                     FloatBuffer weights, float[] bias) {
        int ho = h + 2 * ph - kh + 1;
        int wo = w + 2 * pw - kw + 1;
        int positions = ho * wo;
        int k = ic * kh * kw;
        if (!VectorConvolution.forwardTakes(ic, kh, kw) || oc % LANES != 0) {
            throw new IllegalArgumentException("the NHWC forward pass takes at most " + FORWARD_TAPS + " taps and whole vectors of"
                    + " output channels, not " + k + " taps and " + oc + " channels");
        }
        transposedKernel(weights, bias, oc, k);
        if (image.length < ic * h * w) {
            image = new float[ic * h * w];
        }
        if (taps.length < FORWARD_TAPS * positions) {
            taps = new float[FORWARD_TAPS * positions];
        }
        Arrays.fill(taps, k * positions, FORWARD_TAPS * positions, 0f);
        for (int img = 0; img < n; img++) {
            x.get(img * ic * h * w, image, 0, ic * h * w);
            VectorConvolution.layOutTaps(image, taps, ic, h, w, kh, kw, ph, pw, ho, wo);
            for (int v = 0; v < oc; v += LANES) {
                outputs(out, img * positions, v, positions, oc);
            }
        }
    }

    /** The weights as [tap][oc] (taps past k zero) and the bias as [oc] (zeros without one), for whole-vector loads. */
    private void transposedKernel(FloatBuffer weights, float[] bias, int oc, int k) {
        if (kernelT.length < FORWARD_TAPS * oc) {
            kernelT = new float[FORWARD_TAPS * oc];
            biasT = new float[oc];
        }
        Arrays.fill(kernelT, 0, FORWARD_TAPS * oc, 0f);
        for (int o = 0; o < oc; o++) {
            for (int t = 0; t < k; t++) {
                kernelT[t * oc + o] = weights.get(o * k + t);
            }
            biasT[o] = bias == null ? 0f : bias[o];
        }
    }

    /** Output channels v to v + 15 at every position of the image whose output rows start at row {@code first}. */
    private void outputs(ByteBuffer out, int first, int v, int positions, int oc) {
        FloatVector k0 = FloatVector.fromArray(FLOATS, kernelT, v);
        FloatVector k1 = FloatVector.fromArray(FLOATS, kernelT, oc + v);
        FloatVector k2 = FloatVector.fromArray(FLOATS, kernelT, 2 * oc + v);
        FloatVector k3 = FloatVector.fromArray(FLOATS, kernelT, 3 * oc + v);
        FloatVector k4 = FloatVector.fromArray(FLOATS, kernelT, 4 * oc + v);
        FloatVector k5 = FloatVector.fromArray(FLOATS, kernelT, 5 * oc + v);
        FloatVector k6 = FloatVector.fromArray(FLOATS, kernelT, 6 * oc + v);
        FloatVector k7 = FloatVector.fromArray(FLOATS, kernelT, 7 * oc + v);
        FloatVector k8 = FloatVector.fromArray(FLOATS, kernelT, 8 * oc + v);
        FloatVector b = FloatVector.fromArray(FLOATS, biasT, v);
        for (int p = 0; p < positions; p++) {
            FloatVector z = FloatVector.broadcast(FLOATS, taps[p]).fma(k0, b);
            z = FloatVector.broadcast(FLOATS, taps[positions + p]).fma(k1, z);
            z = FloatVector.broadcast(FLOATS, taps[2 * positions + p]).fma(k2, z);
            z = FloatVector.broadcast(FLOATS, taps[3 * positions + p]).fma(k3, z);
            z = FloatVector.broadcast(FLOATS, taps[4 * positions + p]).fma(k4, z);
            z = FloatVector.broadcast(FLOATS, taps[5 * positions + p]).fma(k5, z);
            z = FloatVector.broadcast(FLOATS, taps[6 * positions + p]).fma(k6, z);
            z = FloatVector.broadcast(FLOATS, taps[7 * positions + p]).fma(k7, z);
            z = FloatVector.broadcast(FLOATS, taps[8 * positions + p]).fma(k8, z);
            z.intoByteBuffer(out, ((first + p) * oc + v) * Float.BYTES, ORDER);
        }
    }

    /**
     * {@link VectorConvolution#weightGradient} from an NHWC output gradient {@code dy} ([n][ho][wo][oc], oc a multiple of 16),
     * for kernels that {@link VectorConvolution#forwardTakes}: per image and vector of 16 output channels, every tap's sum in
     * a register of its own, added up across images in double.
     */
    void weightGradient(FloatBuffer x, ByteBuffer dy, int n, int ic, int h, int w, int oc, int kh, int kw, int ph, int pw,
                            float[] dW, float[] dB) {
        int ho = h + 2 * ph - kh + 1;
        int wo = w + 2 * pw - kw + 1;
        int positions = ho * wo;
        int k = ic * kh * kw;
        if (!VectorConvolution.forwardTakes(ic, kh, kw) || oc % LANES != 0) {
            throw new IllegalArgumentException("the NHWC gradient takes at most " + FORWARD_TAPS + " taps and whole vectors of"
                    + " output channels, not " + k + " taps and " + oc + " channels");
        }
        if (image.length < ic * h * w) {
            image = new float[ic * h * w];
        }
        if (taps.length < FORWARD_TAPS * positions) {
            taps = new float[FORWARD_TAPS * positions];
        }
        Arrays.fill(taps, k * positions, FORWARD_TAPS * positions, 0f);
        if (sumsT.length < (FORWARD_TAPS + 1) * oc) {
            sumsT = new double[(FORWARD_TAPS + 1) * oc];
        }
        Arrays.fill(sumsT, 0, (FORWARD_TAPS + 1) * oc, 0);
        for (int img = 0; img < n; img++) {
            x.get(img * ic * h * w, image, 0, ic * h * w);
            VectorConvolution.layOutTaps(image, taps, ic, h, w, kh, kw, ph, pw, ho, wo);
            for (int v = 0; v < oc; v += LANES) {
                gradient(dy, img * positions, v, positions, oc);
            }
        }
        for (int o = 0; o < oc; o++) {
            for (int t = 0; t < k; t++) {
                dW[o * k + t] = (float) sumsT[t * oc + o];
            }
            if (dB != null) {
                dB[o] = (float) sumsT[FORWARD_TAPS * oc + o];
            }
        }
    }

    /** One image's sums for output channels v to v + 15 (taps, then the bias), added to {@link #sumsT}. */
    private void gradient(ByteBuffer dy, int first, int v, int positions, int oc) {
        FloatVector s0 = FloatVector.zero(FLOATS);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        FloatVector s8 = s0;
        FloatVector sb = s0;
        for (int p = 0; p < positions; p++) {
            FloatVector g = FloatVector.fromByteBuffer(FLOATS, dy, ((first + p) * oc + v) * Float.BYTES, ORDER);
            sb = sb.add(g);
            s0 = FloatVector.broadcast(FLOATS, taps[p]).fma(g, s0);
            s1 = FloatVector.broadcast(FLOATS, taps[positions + p]).fma(g, s1);
            s2 = FloatVector.broadcast(FLOATS, taps[2 * positions + p]).fma(g, s2);
            s3 = FloatVector.broadcast(FLOATS, taps[3 * positions + p]).fma(g, s3);
            s4 = FloatVector.broadcast(FLOATS, taps[4 * positions + p]).fma(g, s4);
            s5 = FloatVector.broadcast(FLOATS, taps[5 * positions + p]).fma(g, s5);
            s6 = FloatVector.broadcast(FLOATS, taps[6 * positions + p]).fma(g, s6);
            s7 = FloatVector.broadcast(FLOATS, taps[7 * positions + p]).fma(g, s7);
            s8 = FloatVector.broadcast(FLOATS, taps[8 * positions + p]).fma(g, s8);
        }
        s0.intoArray(lanesT, 0);
        s1.intoArray(lanesT, LANES);
        s2.intoArray(lanesT, 2 * LANES);
        s3.intoArray(lanesT, 3 * LANES);
        s4.intoArray(lanesT, 4 * LANES);
        s5.intoArray(lanesT, 5 * LANES);
        s6.intoArray(lanesT, 6 * LANES);
        s7.intoArray(lanesT, 7 * LANES);
        s8.intoArray(lanesT, 8 * LANES);
        sb.intoArray(lanesT, FORWARD_TAPS * LANES);
        for (int row = 0; row <= FORWARD_TAPS; row++) {
            for (int l = 0; l < LANES; l++) {
                sumsT[row * oc + v + l] += lanesT[row * LANES + l];
            }
        }
    }

    /** Runs both passes on a small image until C2 has compiled them, as {@link VectorPooling#warmUp} does. */
    static void warmUp() {
        int side = 6;
        FloatBuffer x = ByteBuffer.allocateDirect(side * side * Float.BYTES).order(ORDER).asFloatBuffer();
        ByteBuffer dy = ByteBuffer.allocateDirect(LANES * side * side * Float.BYTES).order(ORDER);
        for (int i = 0; i < side * side; i++) {
            x.put(i, i % 5);
        }
        NhwcConvolution conv = new NhwcConvolution();
        float[] dW = new float[LANES * 9];
        float[] dB = new float[LANES];
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long start = System.nanoTime();
            for (int k = 0; k < CALLS_PER_ROUND; k++) {
                conv.forward(x, dy, 1, 1, side, side, LANES, 3, 3, 1, 1, FloatBuffer.wrap(dW), dB);
                conv.weightGradient(x, dy, 1, 1, side, side, LANES, 3, 3, 1, 1, dW, dB);
            }
            if (System.nanoTime() - start < (long) COMPILED_NANOS * CALLS_PER_ROUND) {
                return;
            }
        }
    }

    private static final int CALLS_PER_ROUND = 250;
    private static final int WARM_UP_ROUNDS = 160;
    /** A warm-up pair of calls' time between C2's and C1's. */
    private static final int COMPILED_NANOS = 8_000;
}
