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
 * {@link VectorConvolution}'s weight and bias gradients against the definition, summed in double: kernels
 * of 9 taps and of a count the passes pad (2x2, 1x3 with 2 channels), paddings of 0 and 1, and output
 * planes that whole vectors do and do not cover. The buffers end where the arrays do.
 */
class VectorConvolutionTest {

    @Test
    void gradientsAreTheDefinitions() {
        assertTrue(FastPath.VECTOR_API, "the test JVM runs with --add-modules=jdk.incubator.vector (conf/jvm.properties)");
        assumeTrue(VectorConvolution.usable(), "no 512-bit vectors here");
        // n, ic, h, w, oc, kh, kw, ph, pw
        int[][] cases = {{4, 1, 28, 28, 8, 3, 3, 1, 1}, {3, 2, 7, 9, 5, 3, 3, 1, 1}, {2, 1, 6, 5, 3, 2, 2, 0, 0},
                {2, 2, 5, 8, 4, 1, 3, 0, 1}, {1, 1, 4, 4, 2, 3, 3, 0, 0}};
        Random random = new Random(11);
        VectorConvolution conv = new VectorConvolution();
        for (int[] c : cases) {
            int n = c[0], ic = c[1], h = c[2], w = c[3], oc = c[4], kh = c[5], kw = c[6], ph = c[7], pw = c[8];
            int ho = h + 2 * ph - kh + 1;
            int wo = w + 2 * pw - kw + 1;
            float[] x = gaussian(random, n * ic * h * w);
            float[] dy = gaussian(random, n * oc * ho * wo);
            int k = ic * kh * kw;
            float[] dW = new float[oc * k];
            float[] dB = new float[oc];
            conv.weightGradient(direct(x).asFloatBuffer(), direct(dy), n, ic, h, w, oc, kh, kw, ph, pw, dW, dB);
            String at = java.util.Arrays.toString(c);
            for (int o = 0; o < oc; o++) {
                double bias = 0;
                for (int img = 0; img < n; img++) {
                    for (int p = 0; p < ho * wo; p++) {
                        bias += dy[(img * oc + o) * ho * wo + p];
                    }
                }
                assertEquals(bias, dB[o], 1e-4 * (1 + Math.abs(bias)), at + " bias gradient " + o);
                for (int ch = 0; ch < ic; ch++) {
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            double sum = 0;
                            for (int img = 0; img < n; img++) {
                                for (int i = 0; i < ho; i++) {
                                    for (int j = 0; j < wo; j++) {
                                        int y = i + a - ph;
                                        int xx = j + b - pw;
                                        if (y >= 0 && y < h && xx >= 0 && xx < w) {
                                            sum += (double) dy[((img * oc + o) * ho + i) * wo + j] * x[((img * ic + ch) * h + y) * w + xx];
                                        }
                                    }
                                }
                            }
                            int t = (ch * kh + a) * kw + b;
                            assertEquals(sum, dW[o * k + t], 1e-4 * (1 + Math.abs(sum)), at + " weight gradient " + o + "," + t);
                        }
                    }
                }
            }
        }
    }

    /**
     * The forward pass against the definition, summed in double, over the same shapes (kernels of 9 taps
     * and fewer), with and without a bias; the output's guard elements past its end stay untouched.
     */
    @Test
    void forwardIsTheDefinition() {
        assumeTrue(VectorConvolution.usable(), "no 512-bit vectors here");
        int[][] cases = {{4, 1, 28, 28, 8, 3, 3, 1, 1}, {3, 1, 7, 9, 5, 3, 3, 1, 1}, {2, 1, 6, 5, 3, 2, 2, 0, 0},
                {2, 2, 5, 8, 4, 1, 3, 0, 1}, {1, 1, 4, 4, 2, 3, 3, 0, 0}, {2, 1, 5, 7, 3, 3, 3, 1, 1}};
        Random random = new Random(12);
        VectorConvolution conv = new VectorConvolution();
        for (int[] c : cases) {
            int n = c[0], ic = c[1], h = c[2], w = c[3], oc = c[4], kh = c[5], kw = c[6], ph = c[7], pw = c[8];
            int ho = h + 2 * ph - kh + 1;
            int wo = w + 2 * pw - kw + 1;
            int k = ic * kh * kw;
            float[] x = gaussian(random, n * ic * h * w);
            float[] weights = gaussian(random, oc * k);
            float[] bias = gaussian(random, oc);
            for (boolean withBias : new boolean[] {true, false}) {
                int guard = 16;
                float[] initial = new float[n * oc * ho * wo + guard];
                java.util.Arrays.fill(initial, 7f);
                ByteBuffer out = direct(initial);
                conv.forward(direct(x).asFloatBuffer(), out, n, ic, h, w, oc, kh, kw, ph, pw, FloatBuffer.wrap(weights),
                        withBias ? bias : null);
                String at = java.util.Arrays.toString(c) + (withBias ? " with bias" : " without bias");
                for (int img = 0; img < n; img++) {
                    for (int o = 0; o < oc; o++) {
                        for (int i = 0; i < ho; i++) {
                            for (int j = 0; j < wo; j++) {
                                double z = withBias ? bias[o] : 0;
                                for (int ch = 0; ch < ic; ch++) {
                                    for (int a = 0; a < kh; a++) {
                                        for (int b = 0; b < kw; b++) {
                                            int y = i + a - ph;
                                            int xx = j + b - pw;
                                            if (y >= 0 && y < h && xx >= 0 && xx < w) {
                                                z += (double) weights[o * k + (ch * kh + a) * kw + b] * x[((img * ic + ch) * h + y) * w + xx];
                                            }
                                        }
                                    }
                                }
                                int e = ((img * oc + o) * ho + i) * wo + j;
                                assertEquals(z, out.getFloat(e * Float.BYTES), 1e-5 * (1 + Math.abs(z)), at + " output " + e);
                            }
                        }
                    }
                }
                for (int e = n * oc * ho * wo; e < initial.length; e++) {
                    assertEquals(7f, out.getFloat(e * Float.BYTES), at + " guard element " + e);
                }
            }
        }
    }

    private static ByteBuffer direct(float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        for (int i = 0; i < values.length; i++) {
            b.putFloat(i * Float.BYTES, values[i]);
        }
        return b;
    }

    /**
     * {@link NhwcConvolution}'s forward pass and gradient (the first layer before {@link NhwcBatchNorm}) against the NCHW ones on
     * the same arrays transposed: the forward pass float for float, the gradients within float rounding;
     * the tutorial's layer (1 channel, 3x3, padding 1) and a kernel of fewer taps, 16 and 32 channels.
     */
    @Test
    void nhwcIsTheNchwPassTransposed() {
        assumeTrue(VectorConvolution.usable(), "no 512-bit vectors here");
        int[][] cases = {{3, 1, 28, 28, 32, 3, 3, 1, 1}, {2, 1, 7, 9, 16, 2, 2, 0, 0}};
        Random random = new Random(21);
        VectorConvolution conv = new VectorConvolution();
        NhwcConvolution nhwcConv = new NhwcConvolution();
        for (int[] c : cases) {
            int n = c[0], ic = c[1], h = c[2], w = c[3], oc = c[4], kh = c[5], kw = c[6], ph = c[7], pw = c[8];
            int ho = h + 2 * ph - kh + 1;
            int wo = w + 2 * pw - kw + 1;
            int s = ho * wo;
            int k = ic * kh * kw;
            float[] x = gaussian(random, n * ic * h * w);
            float[] weights = gaussian(random, oc * k);
            float[] bias = gaussian(random, oc);
            float[] dy = gaussian(random, n * oc * s);
            String at = java.util.Arrays.toString(c);
            ByteBuffer nchw = direct(new float[n * oc * s]);
            conv.forward(direct(x).asFloatBuffer(), nchw, n, ic, h, w, oc, kh, kw, ph, pw, FloatBuffer.wrap(weights), bias);
            float[] nan = new float[n * oc * s];
            java.util.Arrays.fill(nan, Float.NaN);
            ByteBuffer nhwc = direct(nan);
            nhwcConv.forward(direct(x).asFloatBuffer(), nhwc, n, ic, h, w, oc, kh, kw, ph, pw, FloatBuffer.wrap(weights), bias);
            float[] dyNhwc = new float[dy.length];
            for (int img = 0; img < n; img++) {
                for (int o = 0; o < oc; o++) {
                    for (int p = 0; p < s; p++) {
                        int e = (img * oc + o) * s + p;
                        int t = (img * s + p) * oc + o;
                        assertEquals(nchw.getFloat(e * Float.BYTES), nhwc.getFloat(t * Float.BYTES), 0f, at + " output " + e);
                        dyNhwc[t] = dy[e];
                    }
                }
            }
            float[] dW = new float[oc * k];
            float[] dB = new float[oc];
            conv.weightGradient(direct(x).asFloatBuffer(), direct(dy), n, ic, h, w, oc, kh, kw, ph, pw, dW, dB);
            float[] dWn = new float[oc * k];
            float[] dBn = new float[oc];
            nhwcConv.weightGradient(direct(x).asFloatBuffer(), direct(dyNhwc), n, ic, h, w, oc, kh, kw, ph, pw, dWn, dBn);
            for (int i = 0; i < dW.length; i++) {
                assertEquals(dW[i], dWn[i], 1e-4 * (1 + Math.abs(dW[i])), at + " weight gradient " + i);
            }
            for (int i = 0; i < oc; i++) {
                assertEquals(dB[i], dBn[i], 1e-4 * (1 + Math.abs(dB[i])), at + " bias gradient " + i);
            }
        }
    }

    private static float[] gaussian(Random random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
