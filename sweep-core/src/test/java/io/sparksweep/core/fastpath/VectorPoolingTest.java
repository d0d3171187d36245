package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorPooling} against plain loops over the definition: each window's maximum, the first in row
 * order where several tie, and the gradient written there. The buffers end exactly where the arrays do, so
 * the windows that a whole vector would run past are covered too, and odd sides, whose last row or column
 * no window reaches. Inference's pass, without the places of the maxima, gives the same maxima.
 */
class VectorPoolingTest {

    @Test
    void poolsAndBackpropsAsTheDefinition_tiesIncluded() {
        assertTrue(FastPath.VECTOR_API, "the test JVM runs with --add-modules=jdk.incubator.vector (conf/jvm.properties)");
        int[][] shapes = {{3, 28, 28}, {5, 14, 14}, {2, 4, 6}, {1, 2, 2}, {7, 8, 34}, {1, 2, 32}, {4, 7, 7}, {3, 5, 9}, {2, 3, 3}};
        Random random = new Random(7);
        for (int[] shape : shapes) {
            int planes = shape[0];
            int h = shape[1];
            int w = shape[2];
            int windows = planes * (h / 2) * (w / 2);
            float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) {
                // Small integers tie often, as a ReLU's zeros do; -0 is left out (its order against +0 is
                // the one thing float comparison and the plain loops' integer keys disagree on).
                x[i] = random.nextBoolean() ? random.nextInt(3) : (float) random.nextGaussian();
            }
            float[] dy = new float[windows];
            for (int i = 0; i < windows; i++) {
                dy[i] = 1 + random.nextInt(1000);
            }
            float[] expectedOut = new float[windows];
            int[] expectedWhere = new int[windows];
            float[] expectedDx = new float[x.length];
            reference(x, dy, planes, h, w, expectedOut, expectedWhere, expectedDx);

            ByteBuffer out = direct(windows);
            float[] where = new float[windows + VectorPooling.SLACK];
            VectorPooling.forward(put(x), out, where, planes, h, w);
            ByteBuffer dx = direct(x.length);
            VectorPooling.backward(put(dy), where, dx, planes, h, w);
            String at = planes + "x" + h + "x" + w;
            for (int i = 0; i < windows; i++) {
                assertEquals(expectedOut[i], out.getFloat(i * Float.BYTES), at + " output " + i);
                assertEquals(expectedWhere[i], (int) where[i], at + " where " + i);
            }
            for (int i = 0; i < x.length; i++) {
                assertEquals(expectedDx[i], dx.getFloat(i * Float.BYTES), at + " input gradient " + i);
            }
            ByteBuffer maxima = direct(windows);
            VectorPooling.forward(put(x), maxima, null, planes, h, w);
            for (int i = 0; i < windows; i++) {
                assertEquals(expectedOut[i], maxima.getFloat(i * Float.BYTES), at + " output " + i + ", inference");
            }
        }
    }

    /** Inference's NHWC pooling gives each window's maximum, per channel: whole vectors of channels and a tail. */
    @Test
    void nhwcPoolingIsTheDefinition() {
        assertTrue(FastPath.VECTOR_API, "the test JVM runs with --add-modules=jdk.incubator.vector (conf/jvm.properties)");
        int[][] shapes = {{2, 14, 14, 64}, {3, 7, 7, 33}, {1, 4, 6, 16}, {2, 3, 5, 5}};
        Random random = new Random(9);
        for (int[] shape : shapes) {
            int n = shape[0];
            int h = shape[1];
            int w = shape[2];
            int c = shape[3];
            int ho = h / 2;
            int wo = w / 2;
            float[] x = new float[n * h * w * c];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextBoolean() ? random.nextInt(3) : (float) random.nextGaussian();
            }
            int windows = n * ho * wo * c;
            ByteBuffer out = direct(windows + 1);
            out.putFloat(windows * Float.BYTES, 42f);
            VectorPooling.forwardNhwc(put(x), out, n, h, w, c);
            String at = n + "x" + h + "x" + w + "x" + c;
            for (int img = 0; img < n; img++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        for (int k = 0; k < c; k++) {
                            float max = Float.NEGATIVE_INFINITY;
                            for (int q = 0; q < 4; q++) {
                                max = Math.max(max, x[((img * h + 2 * i + q / 2) * w + 2 * j + q % 2) * c + k]);
                            }
                            assertEquals(max, out.getFloat((((img * ho + i) * wo + j) * c + k) * Float.BYTES),
                                    at + " window " + i + "," + j + " channel " + k + " of image " + img);
                        }
                    }
                }
            }
            assertEquals(42f, out.getFloat(windows * Float.BYTES), at + ": the element past the output");
        }
    }

    private static void reference(float[] x, float[] dy, int planes, int h, int w, float[] out, int[] where, float[] dx) {
        int ho = h / 2;
        int wo = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    int o = (p * ho + i) * wo + j;
                    int best = 0;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int k = 0; k < 4; k++) {
                        float v = x[(p * h + 2 * i + k / 2) * w + 2 * j + k % 2];
                        if (k == 0 || v > max) {
                            max = v;
                            best = k;
                        }
                    }
                    out[o] = max;
                    where[o] = best;
                    dx[(p * h + 2 * i + best / 2) * w + 2 * j + best % 2] = dy[o];
                }
            }
        }
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer put(float[] values) {
        ByteBuffer b = direct(values.length);
        b.asFloatBuffer().put(values);
        return b;
    }
}
