package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link NhwcBatchNorm}'s training passes against {@link BatchNormKernels}' on the same batch laid out
 * NCHW: statistics, output, the fused pooling's maxima and places, and the gradients, on sides of 14 and
 * 7 (odd: a last row and column in no window), 32 channels (two vectors), with the pooling and the ReLU
 * and without them.
 */
class NhwcBatchNormTest {

    private static final double TOLERANCE = 2e-5;

    @Test
    void trainingPassesAreTheHeapRowsPasses() {
        assertTrue(FastPath.VECTOR_API, "the test JVM runs with --add-modules=jdk.incubator.vector (conf/jvm.properties)");
        assumeTrue(VectorConvolution.usable() && VectorPooling.usable(2, 2), "no 512-bit vectors here");
        Random random = new Random(11);
        int n = 3;
        int c = 32;
        for (int side : new int[] {14, 7}) {
            for (boolean pooled : new boolean[] {true, false}) {
                for (boolean relu : pooled ? new boolean[] {true} : new boolean[] {true, false}) {
                    check(random, n, c, side, side, relu, pooled);
                }
            }
        }
    }

    /** The convolution's bias gradient ({@link ReusingConvolutionLayer}): sums per channel over more rows than a block. */
    @Test
    void channelSumsAreTheSums() {
        assumeTrue(VectorConvolution.usable(), "no 512-bit vectors here");
        Random random = new Random(3);
        int rows = 3 * NhwcBatchNorm.BLOCK + 5;
        int c = 48;
        float[] x = new float[rows * c];
        double[] expected = new double[c];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() + i % c;
            expected[i % c] += x[i];
        }
        float[] got = new float[c];
        NhwcBatchNorm.channelSums(floats(x), rows, c, got);
        for (int k = 0; k < c; k++) {
            assertEquals(expected[k], got[k], 1e-5 * Math.abs(expected[k]) + 1e-4, "channel " + k);
        }
    }

    private static void check(Random random, int n, int c, int h, int w, boolean relu, boolean pooled) {
        String what = h + "x" + w + (relu ? " relu" : "") + (pooled ? " pooled" : "");
        int s = h * w;
        int length = n * c * s;
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            // Channels of their own mean and spread, and ties: some values repeat within windows.
            int ch = i / s % c;
            x[i] = random.nextInt(9) == 0 ? 0.25f * ch : (float) (random.nextGaussian() * (1 + ch % 3) + ch % 5 - 2);
        }
        float[] gamma = new float[c];
        float[] beta = new float[c];
        for (int ch = 0; ch < c; ch++) {
            gamma[ch] = 0.5f + random.nextFloat();
            beta[ch] = (float) random.nextGaussian() * 0.5f;
        }
        int windows = n * c * (h / 2) * (w / 2);
        float[] dyPooled = new float[windows];
        float[] dyFull = new float[length];
        for (int i = 0; i < windows; i++) {
            dyPooled[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < length; i++) {
            dyFull[i] = (float) random.nextGaussian();
        }

        // The heap rows' passes, NCHW.
        BatchNormKernels rows = new BatchNormKernels();
        BatchNormKernels.Statistics expected = new BatchNormKernels.Statistics(c);
        FloatBuffer yRows = FloatBuffer.allocate(length);
        FusedPooling pool = pooled ? new FusedPooling(n, c, h, w) : null;
        rows.forward(FloatBuffer.wrap(x), yRows, n, c, s, gamma, beta, 1e-5, expected, true, null, null, relu, pool);
        if (pool != null) {
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(dyPooled, (i * c + ch) * (h / 2) * (w / 2), pool.gradient, pool.at(n, i, ch), (h / 2) * (w / 2));
                }
            }
        }
        FloatBuffer dxRows = FloatBuffer.allocate(length);
        float[] dGammaRows = new float[c];
        float[] dBetaRows = new float[c];
        rows.backward(FloatBuffer.wrap(x), pooled ? null : FloatBuffer.wrap(dyFull), dxRows, n, c, s, gamma, expected, dGammaRows,
                dBetaRows, relu, pool);

        // NHWC.
        NhwcBatchNorm kernels = new NhwcBatchNorm();
        BatchNormKernels.Statistics got = new BatchNormKernels.Statistics(c);
        ByteBuffer in = nhwc(x, n, c, h, w);
        kernels.statistics(in, n * h * w, c, gamma, beta, 1e-5, got);
        for (int ch = 0; ch < c; ch++) {
            assertEquals(expected.mean[ch], got.mean[ch], TOLERANCE * (1 + Math.abs(expected.mean[ch])), what + ": mean of " + ch);
            assertEquals(expected.variance[ch], got.variance[ch], TOLERANCE * expected.variance[ch], what + ": variance of " + ch);
        }
        ByteBuffer y = direct(length);
        int ho = h / 2;
        int wo = w / 2;
        ByteBuffer pooledOut = pooled ? direct(windows) : null;
        float[] where = pooled ? new float[windows] : null;
        NhwcBatchNorm.normalize(in, y, n, h, w, c, got.scale, got.shift, relu, pooledOut, where);
        float[] yNchw = nchw(y, n, c, h, w);
        for (int i = 0; i < length; i++) {
            assertEquals(yRows.get(i), yNchw[i], TOLERANCE * (1 + Math.abs(yRows.get(i))), what + ": output " + i);
        }
        if (pooled) {
            float[] maxima = nchw(pooledOut, n, c, ho, wo);
            float[] places = nchw(floats(where), n, c, ho, wo);
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int k = 0; k < ho * wo; k++) {
                        int at = (i * c + ch) * ho * wo + k;
                        assertEquals(pool.pooled[pool.at(n, i, ch) + k], maxima[at], TOLERANCE * (1 + Math.abs(maxima[at])),
                                what + ": maximum " + at);
                        assertEquals(pool.where[pool.at(n, i, ch) + k], places[at], 0f, what + ": place of maximum " + at);
                    }
                }
            }
        }
        ByteBuffer dx = direct(length);
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        kernels.backward(in, pooled ? null : nhwc(dyFull, n, c, h, w), pooled ? nhwc(dyPooled, n, c, ho, wo) : null, where, dx,
                n, h, w, c, gamma, got, dGamma, dBeta, relu);
        for (int ch = 0; ch < c; ch++) {
            assertEquals(dBetaRows[ch], dBeta[ch], TOLERANCE * (1 + Math.abs(dBetaRows[ch])), what + ": beta's gradient " + ch);
            assertEquals(dGammaRows[ch], dGamma[ch], TOLERANCE * (1 + Math.abs(dGammaRows[ch])), what + ": gamma's gradient " + ch);
        }
        float[] dxNchw = nchw(dx, n, c, h, w);
        for (int i = 0; i < length; i++) {
            assertEquals(dxRows.get(i), dxNchw[i], TOLERANCE * (1 + Math.abs(dxRows.get(i))), what + ": input gradient " + i);
        }
    }

    /** An NCHW array laid out NHWC in a direct buffer. */
    private static ByteBuffer nhwc(float[] nchw, int n, int c, int h, int w) {
        ByteBuffer b = direct(nchw.length);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    b.putFloat(((i * h * w + p) * c + ch) * Float.BYTES, nchw[(i * c + ch) * h * w + p]);
                }
            }
        }
        return b;
    }

    private static float[] nchw(ByteBuffer nhwc, int n, int c, int h, int w) {
        float[] out = new float[n * c * h * w];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[(i * c + ch) * h * w + p] = nhwc.getFloat(((i * h * w + p) * c + ch) * Float.BYTES);
                }
            }
        }
        return out;
    }

    private static ByteBuffer floats(float[] values) {
        ByteBuffer b = direct(values.length);
        b.asFloatBuffer().put(values);
        return b;
    }

    /** A direct buffer of NaNs: ND4J's workspaces hand out memory as it was, so every element must be written. */
    private static ByteBuffer direct(int floats) {
        ByteBuffer b = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
        for (int i = 0; i < floats; i++) {
            b.putFloat(i * Float.BYTES, Float.NaN);
        }
        return b;
    }
}
