package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A stride-1 convolution's weight and bias gradients in the Vector API, for a network's first layer
 * ({@link ReusingConvolutionLayer}): dW[o][t] = sum over images and positions of dy[o][p] times the
 * input element that tap t (channel, row and column offset) sees at p, and dB[o] = sum of dy[o][p].
 * Per image, each tap's view of the image is laid out as one row over the output positions (the
 * transposed im2col matrix, a few row copies with zeros where the padding is), and every gradient row of
 * dy, read in place from ND4J's buffer, is multiplied into all taps at once. For the tutorial's first
 * layer (1 channel, 3x3, 32 outputs) that is 9 rows of 784 floats, which stay in the L1 cache, where
 * im2col and one small OpenBLAS product per image spent most of their time packing 9-column matrices.
 */
final class VectorConvolution {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /**
     * Taps per pass over a gradient row, each with its vector sum in a register of its own (a 3x3 kernel's
     * row of taps): vectors held in an array would be objects in JDK 17. More taps take more passes over
     * the row, which the L1 cache holds; a tap count that is not a multiple is padded with rows of zeros.
     */
    private static final int GROUP = 3;

    private float[] image = new float[0];
    private float[] taps = new float[0];
    /** Per output channel and tap (and the bias last), 16 lanes of partial sums across images. */
    private float[] partial = new float[0];

    /**
     * Writes the gradients of n images into {@code dW} ([oc][ic kh kw]) and {@code dB} ([oc], or null for
     * no bias) from the layer's input {@code x} ([n][ic][h][w]) and output gradient {@code dy}
     * ([n][oc][ho][wo]), stride 1 with paddings ph and pw.
     */
    void weightGradient(FloatBuffer x, ByteBuffer dy, int n, int ic, int h, int w, int oc, int kh, int kw, int ph, int pw,
                        float[] dW, float[] dB) {
        int ho = h + 2 * ph - kh + 1;
        int wo = w + 2 * pw - kw + 1;
        int positions = ho * wo;
        int k = ic * kh * kw;
        int padded = (k + GROUP - 1) / GROUP * GROUP;
        int sums = padded + 1;
        if (image.length < ic * h * w) {
            image = new float[ic * h * w];
        }
        if (taps.length < padded * positions) {
            taps = new float[padded * positions];
        }
        Arrays.fill(taps, k * positions, padded * positions, 0f);
        if (partial.length < oc * sums * LANES) {
            partial = new float[oc * sums * LANES];
        }
        Arrays.fill(partial, 0, oc * sums * LANES, 0f);
        int vectorEnd = positions - positions % LANES;
        for (int img = 0; img < n; img++) {
            x.get(img * ic * h * w, image, 0, ic * h * w);
            layOutTaps(image, taps, ic, h, w, kh, kw, ph, pw, ho, wo);
            for (int o = 0; o < oc; o++) {
                int row = (img * oc + o) * positions;
                for (int from = 0; from < padded; from += GROUP) {
                    accumulate(dy, row, from, positions, vectorEnd, o * sums * LANES, from == 0 ? (o * sums + padded) * LANES : -1);
                }
            }
        }
        for (int o = 0; o < oc; o++) {
            for (int t = 0; t < k; t++) {
                dW[o * k + t] = (float) lanes((o * sums + t) * LANES);
            }
            if (dB != null) {
                dB[o] = (float) lanes((o * sums + padded) * LANES);
            }
        }
    }

    /**
     * Taps the forward pass holds in registers, one named vector each: a 3x3 kernel over one channel, the
     * tutorial's first layer, or fewer taps padded with zero weights.
     */
    static final int FORWARD_TAPS = 9;

    private float[] kernel = new float[0];

    /** Whether {@link #forward} takes a kernel of {@code ic} channels of kh x kw taps. */
    static boolean forwardTakes(int ic, int kh, int kw) {
        return ic * kh * kw <= FORWARD_TAPS;
    }

    /**
     * The convolution itself, z = b + W x, for n images: writes {@code out} ([n][oc][ho][wo]) from
     * {@code x} ([n][ic][h][w]), {@code weights} ([oc][ic kh kw]) and {@code bias} ([oc], or null), stride
     * 1 with paddings ph and pw, for kernels that {@link #forwardTakes}. Per image the taps' rows are laid
     * out as for the gradient; each vector of output positions then loads its 9 taps once and writes every
     * output channel from them, so the image is read once however many channels there are. This replaces
     * oneDNN's convolution for the first layer, which with one input channel is cheap next to the reorders
     * around it: libnd4j copies the unwritten output into oneDNN's channel-last layout before the call and
     * the result back after it.
     */
    void forward(FloatBuffer x, ByteBuffer out, int n, int ic, int h, int w, int oc, int kh, int kw, int ph, int pw,
                 FloatBuffer weights, float[] bias) {
        int ho = h + 2 * ph - kh + 1;
        int wo = w + 2 * pw - kw + 1;
        int positions = ho * wo;
        int k = ic * kh * kw;
        if (!forwardTakes(ic, kh, kw)) {
            throw new IllegalArgumentException("the forward pass takes at most " + FORWARD_TAPS + " taps, not " + k);
        }
        if (image.length < ic * h * w) {
            image = new float[ic * h * w];
        }
        if (taps.length < FORWARD_TAPS * positions) {
            taps = new float[FORWARD_TAPS * positions];
        }
        Arrays.fill(taps, k * positions, FORWARD_TAPS * positions, 0f);
        if (kernel.length < oc * FORWARD_TAPS) {
            kernel = new float[oc * FORWARD_TAPS];
        }
        Arrays.fill(kernel, 0, oc * FORWARD_TAPS, 0f);
        for (int o = 0; o < oc; o++) {
            weights.get(o * k, kernel, o * FORWARD_TAPS, k);
        }
        int vectorEnd = positions - positions % LANES;
        for (int img = 0; img < n; img++) {
            x.get(img * ic * h * w, image, 0, ic * h * w);
            layOutTaps(image, taps, ic, h, w, kh, kw, ph, pw, ho, wo);
            int first = img * oc * positions;
            for (int p = 0; p < vectorEnd; p += LANES) {
                outputs(out, first, p, positions, oc, bias);
            }
            for (int p = vectorEnd; p < positions; p++) {
                for (int o = 0; o < oc; o++) {
                    float z = bias == null ? 0f : bias[o];
                    for (int t = 0; t < FORWARD_TAPS; t++) {
                        z += taps[t * positions + p] * kernel[o * FORWARD_TAPS + t];
                    }
                    out.putFloat((first + o * positions + p) * Float.BYTES, z);
                }
            }
        }
    }

    /** Every output channel's vector at positions p to p + LANES of the image whose output starts at {@code first}. */
    private void outputs(ByteBuffer out, int first, int p, int positions, int oc, float[] bias) {
        FloatVector t0 = FloatVector.fromArray(FLOATS, taps, p);
        FloatVector t1 = FloatVector.fromArray(FLOATS, taps, positions + p);
        FloatVector t2 = FloatVector.fromArray(FLOATS, taps, 2 * positions + p);
        FloatVector t3 = FloatVector.fromArray(FLOATS, taps, 3 * positions + p);
        FloatVector t4 = FloatVector.fromArray(FLOATS, taps, 4 * positions + p);
        FloatVector t5 = FloatVector.fromArray(FLOATS, taps, 5 * positions + p);
        FloatVector t6 = FloatVector.fromArray(FLOATS, taps, 6 * positions + p);
        FloatVector t7 = FloatVector.fromArray(FLOATS, taps, 7 * positions + p);
        FloatVector t8 = FloatVector.fromArray(FLOATS, taps, 8 * positions + p);
        for (int o = 0; o < oc; o++) {
            int at = o * FORWARD_TAPS;
            FloatVector z = FloatVector.broadcast(FLOATS, bias == null ? 0f : bias[o]);
            z = t0.fma(FloatVector.broadcast(FLOATS, kernel[at]), z);
            z = t1.fma(FloatVector.broadcast(FLOATS, kernel[at + 1]), z);
            z = t2.fma(FloatVector.broadcast(FLOATS, kernel[at + 2]), z);
            z = t3.fma(FloatVector.broadcast(FLOATS, kernel[at + 3]), z);
            z = t4.fma(FloatVector.broadcast(FLOATS, kernel[at + 4]), z);
            z = t5.fma(FloatVector.broadcast(FLOATS, kernel[at + 5]), z);
            z = t6.fma(FloatVector.broadcast(FLOATS, kernel[at + 6]), z);
            z = t7.fma(FloatVector.broadcast(FLOATS, kernel[at + 7]), z);
            z = t8.fma(FloatVector.broadcast(FLOATS, kernel[at + 8]), z);
            z.intoByteBuffer(out, (first + o * positions + p) * Float.BYTES, ORDER);
        }
    }

    /**
     * One gradient row (from element {@code row} of dy) times taps {@code from} to {@code from + GROUP},
     * added to their partial sums (and the row's own sum to the bias's, at {@code biasAt} unless negative);
     * the positions past the last whole vector are added one at a time.
     */
    private void accumulate(ByteBuffer dy, int row, int from, int positions, int vectorEnd, int sumsAt, int biasAt) {
        int t0 = from * positions;
        int t1 = t0 + positions;
        int t2 = t1 + positions;
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector bias = a0;
        for (int p = 0; p < vectorEnd; p += LANES) {
            FloatVector g = FloatVector.fromByteBuffer(FLOATS, dy, (row + p) * Float.BYTES, ORDER);
            bias = bias.add(g);
            a0 = FloatVector.fromArray(FLOATS, taps, t0 + p).fma(g, a0);
            a1 = FloatVector.fromArray(FLOATS, taps, t1 + p).fma(g, a1);
            a2 = FloatVector.fromArray(FLOATS, taps, t2 + p).fma(g, a2);
        }
        int at = sumsAt + from * LANES;
        add(a0, at);
        add(a1, at + LANES);
        add(a2, at + 2 * LANES);
        if (biasAt >= 0) {
            add(bias, biasAt);
        }
        for (int p = vectorEnd; p < positions; p++) {
            float g = dy.getFloat((row + p) * Float.BYTES);
            partial[at] += g * taps[t0 + p];
            partial[at + LANES] += g * taps[t1 + p];
            partial[at + 2 * LANES] += g * taps[t2 + p];
            if (biasAt >= 0) {
                partial[biasAt] += g;
            }
        }
    }

    private void add(FloatVector v, int at) {
        FloatVector.fromArray(FLOATS, partial, at).add(v).intoArray(partial, at);
    }

    /** The sum of the 16 partial sums from {@code at}, in double. */
    private double lanes(int at) {
        double total = 0;
        for (int l = 0; l < LANES; l++) {
            total += partial[at + l];
        }
        return total;
    }

    /**
     * Row t of the transposed im2col matrix {@code taps} ([tap][output position]): what tap t = (c, a, b) of
     * {@code image} ([ic][h][w]) sees at each output position, zeros where the padding is.
     */
    static void layOutTaps(float[] image, float[] taps, int ic, int h, int w, int kh, int kw, int ph, int pw, int ho, int wo) {
        int positions = ho * wo;
        for (int c = 0; c < ic; c++) {
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                    int tap = ((c * kh + a) * kw + b) * positions;
                    // Output column j sees input column j + b - pw: columns lo to hi - 1 fall inside the image.
                    int lo = Math.max(0, pw - b);
                    int hi = Math.min(wo, w + pw - b);
                    for (int i = 0; i < ho; i++) {
                        int y = i + a - ph;
                        int to = tap + i * wo;
                        if (y < 0 || y >= h || lo >= hi) {
                            Arrays.fill(taps, to, to + wo, 0f);
                            continue;
                        }
                        Arrays.fill(taps, to, to + lo, 0f);
                        System.arraycopy(image, (c * h + y) * w + lo + b - pw, taps, to + lo, hi - lo);
                        Arrays.fill(taps, to + hi, to + wo, 0f);
                    }
                }
            }
        }
    }

    /**
     * Runs the gradient and the forward pass on a small image until C2 has compiled them, as
     * {@link VectorPooling#warmUp} does for the pooling: until then each vector operation is an object,
     * and the first batches would pay that.
     */
    static void warmUp() {
        int side = 6;
        FloatBuffer x = ByteBuffer.allocateDirect(side * side * Float.BYTES).order(ORDER).asFloatBuffer();
        ByteBuffer dy = ByteBuffer.allocateDirect(2 * side * side * Float.BYTES).order(ORDER);
        for (int i = 0; i < side * side; i++) {
            x.put(i, i % 5);
            dy.putFloat(i * Float.BYTES, i % 3);
        }
        VectorConvolution conv = new VectorConvolution();
        float[] dW = new float[2 * 9];
        float[] dB = new float[2];
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long start = System.nanoTime();
            for (int k = 0; k < CALLS_PER_ROUND; k++) {
                conv.weightGradient(x, dy, 1, 1, side, side, 2, 3, 3, 1, 1, dW, dB);
                conv.forward(x, dy, 1, 1, side, side, 2, 3, 3, 1, 1, FloatBuffer.wrap(dW), dB);
            }
            if (System.nanoTime() - start < (long) COMPILED_NANOS * CALLS_PER_ROUND) {
                return;
            }
        }
    }

    private static final int CALLS_PER_ROUND = 250;
    private static final int WARM_UP_ROUNDS = 160;
    /** A warm-up pair of calls' time between C2's and C1's for that image (some 3 and 30-40 microseconds). */
    private static final int COMPILED_NANOS = 8_000;

    /** Whether the vector loops apply: vectors are 512 bits wide. */
    static boolean usable() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= FLOATS.vectorBitSize();
    }
}
