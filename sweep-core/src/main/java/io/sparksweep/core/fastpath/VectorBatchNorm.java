package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation's inference pass, y = scale x + shift per channel (the ReLU after it fused), in
 * place on ND4J's buffers in the Vector API, for NCHW arrays and for the NHWC arrays of inference's
 * convolutions ({@link ReusingConvolutionLayer}). In inference the statistics are fixed, so each element is
 * read and written once: {@link BatchNormKernels}' heap rows, which pay for themselves in training by
 * keeping a channel in the cache for its several passes, would only add two copies. The arithmetic is
 * that of {@link BatchNormKernels#forward} (a product, then a sum, each rounded: Java never fuses
 * them), so both give the same floats.
 *
 * <p>This class is loaded only where the JVM runs with {@code --add-modules=jdk.incubator.vector};
 * {@link BatchNormHelper} calls it when {@link VectorConvolution#usable} says the vectors apply.
 */
final class VectorBatchNorm {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorBatchNorm() {
    }

    /**
     * Writes {@code out} from {@code x}, both row-major [N, C, S] with {@code planes} = N x C planes of S
     * floats: plane p is channel p mod C, scaled and shifted by that channel's {@code scale} and
     * {@code shift}, then clamped at 0 when {@code relu}.
     */
    static void inference(ByteBuffer x, ByteBuffer out, int planes, int c, int s, float[] scale, float[] shift, boolean relu) {
        int vectorEnd = s - s % LANES;
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int p = 0; p < planes; p++) {
            int ch = p % c;
            float a = scale[ch];
            float b = shift[ch];
            FloatVector va = FloatVector.broadcast(FLOATS, a);
            FloatVector vb = FloatVector.broadcast(FLOATS, b);
            int base = p * s * Float.BYTES;
            for (int j = 0; j < vectorEnd; j += LANES) {
                int at = base + j * Float.BYTES;
                FloatVector y = FloatVector.fromByteBuffer(FLOATS, x, at, ORDER).mul(va).add(vb);
                (relu ? y.max(zero) : y).intoByteBuffer(out, at, ORDER);
            }
            for (int j = vectorEnd; j < s; j++) {
                int at = base + j * Float.BYTES;
                float y = x.getFloat(at) * a + b;
                out.putFloat(at, relu ? Math.max(y, 0f) : y);
            }
        }
    }

    /**
     * {@link #inference} for NHWC arrays: {@code positions} = N x H x W rows of C floats, channel k of each
     * row scaled and shifted by {@code scale[k]} and {@code shift[k]}, 16 channels to a vector.
     */
    static void inferenceNhwc(ByteBuffer x, ByteBuffer out, int positions, int c, float[] scale, float[] shift, boolean relu) {
        int vectorEnd = c - c % LANES;
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int p = 0; p < positions; p++) {
            int base = p * c * Float.BYTES;
            for (int k = 0; k < vectorEnd; k += LANES) {
                int at = base + k * Float.BYTES;
                FloatVector y = FloatVector.fromByteBuffer(FLOATS, x, at, ORDER).mul(FloatVector.fromArray(FLOATS, scale, k))
                        .add(FloatVector.fromArray(FLOATS, shift, k));
                (relu ? y.max(zero) : y).intoByteBuffer(out, at, ORDER);
            }
            for (int k = vectorEnd; k < c; k++) {
                int at = base + k * Float.BYTES;
                float y = x.getFloat(at) * scale[k] + shift[k];
                out.putFloat(at, relu ? Math.max(y, 0f) : y);
            }
        }
    }

    /** Runs the NHWC pass (and the NCHW one, {@code nchw}) on a few small planes until C2 has compiled it, as {@link VectorPooling#warmUp} does. */
    static void warmUp(boolean nchw) {
        int s = 49;
        int planes = 4;
        ByteBuffer x = ByteBuffer.allocateDirect(planes * s * Float.BYTES).order(ORDER);
        ByteBuffer out = ByteBuffer.allocateDirect(planes * s * Float.BYTES).order(ORDER);
        for (int i = 0; i < planes * s; i++) {
            x.putFloat(i * Float.BYTES, i % 7 - 3);
        }
        float[] scale = {0.5f, 2f};
        float[] shift = {-1f, 1f};
        float[] nhwcScale = new float[33];
        float[] nhwcShift = new float[33];
        java.util.Arrays.fill(nhwcScale, 0.5f);
        java.util.Arrays.fill(nhwcShift, -0.25f);
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long start = System.nanoTime();
            for (int k = 0; k < CALLS_PER_ROUND; k++) {
                if (nchw) {
                    inference(x, out, planes, 2, s, scale, shift, (k & 1) == 0);
                }
                inferenceNhwc(x, out, 3, 33, nhwcScale, nhwcShift, (k & 1) == 1);
            }
            if (System.nanoTime() - start < (long) COMPILED_NANOS * CALLS_PER_ROUND) {
                return;
            }
        }
    }

    private static final int CALLS_PER_ROUND = 250;
    private static final int WARM_UP_ROUNDS = 160;
    /** A warm-up pair of calls' time between C2's and C1's (some 0.3 and 10-30 microseconds). */
    private static final int COMPILED_NANOS = 2_000;
}
