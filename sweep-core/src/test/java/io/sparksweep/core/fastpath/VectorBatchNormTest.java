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
 * {@link VectorBatchNorm}'s inference pass against {@link BatchNormKernels#forward}'s with the same fixed
 * statistics, float for float: planes of the tutorial's three sizes (784, 196 and 49: whole vectors, and
 * tails of 4 and 1), with and without the ReLU, and the element past the array left as it was.
 */
class VectorBatchNormTest {

    @Test
    void inferenceIsTheHeapRowsPass() {
        assertTrue(FastPath.VECTOR_API, "the test JVM runs with --add-modules=jdk.incubator.vector (conf/jvm.properties)");
        assumeTrue(VectorConvolution.usable(), "no 512-bit vectors here");
        Random random = new Random(5);
        int n = 3;
        int c = 5;
        for (int s : new int[] {784, 196, 49}) {
            for (boolean relu : new boolean[] {false, true}) {
                int length = n * c * s;
                float[] x = new float[length];
                for (int i = 0; i < length; i++) {
                    x[i] = (float) random.nextGaussian() * 3 + 1;
                }
                float[] gamma = new float[c];
                float[] beta = new float[c];
                float[] mean = new float[c];
                float[] variance = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    gamma[ch] = 0.5f + random.nextFloat();
                    beta[ch] = (float) random.nextGaussian();
                    mean[ch] = (float) random.nextGaussian();
                    variance[ch] = 0.2f + 4 * random.nextFloat();
                }
                FloatBuffer expected = FloatBuffer.allocate(length);
                BatchNormKernels.Statistics rows = new BatchNormKernels.Statistics(c);
                new BatchNormKernels().forward(FloatBuffer.wrap(x), expected, n, c, s, gamma, beta, 1e-5, rows, false,
                        mean, variance, relu, null);

                BatchNormKernels.Statistics vector = new BatchNormKernels.Statistics(c);
                for (int ch = 0; ch < c; ch++) {
                    BatchNormKernels.coefficients(vector, ch, gamma[ch], beta[ch], mean[ch], variance[ch], 1e-5);
                }
                ByteBuffer in = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder());
                in.asFloatBuffer().put(x);
                ByteBuffer out = ByteBuffer.allocateDirect((length + 1) * Float.BYTES).order(ByteOrder.nativeOrder());
                out.putFloat(length * Float.BYTES, 42f);
                VectorBatchNorm.inference(in, out, n * c, c, s, vector.scale, vector.shift, relu);

                int negatives = 0;
                for (int i = 0; i < length; i++) {
                    float y = out.getFloat(i * Float.BYTES);
                    assertEquals(expected.get(i), y, 0f, "s " + s + " relu " + relu + " element " + i);
                    negatives += y < 0 ? 1 : 0;
                }
                assertEquals(relu, negatives == 0, "s " + s + ": " + negatives + " negative outputs");
                assertEquals(42f, out.getFloat(length * Float.BYTES), "the element past the array");
            }
        }
    }

    /**
     * The NHWC pass gives the NCHW pass's floats at the transposed places: channel counts of whole vectors
     * (16, 64) and with a tail (33), with and without the ReLU.
     */
    @Test
    void nhwcInferenceIsTheNchwPassTransposed() {
        assumeTrue(VectorConvolution.usable(), "no 512-bit vectors here");
        Random random = new Random(8);
        int n = 2;
        int h = 5;
        int w = 7;
        int s = h * w;
        for (int c : new int[] {16, 64, 33}) {
            for (boolean relu : new boolean[] {false, true}) {
                float[] scale = new float[c];
                float[] shift = new float[c];
                for (int k = 0; k < c; k++) {
                    scale[k] = (float) random.nextGaussian();
                    shift[k] = (float) random.nextGaussian();
                }
                int length = n * c * s;
                float[] nchw = new float[length];
                for (int i = 0; i < length; i++) {
                    nchw[i] = (float) random.nextGaussian() * 2;
                }
                ByteBuffer in = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder());
                ByteBuffer nhwcIn = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder());
                for (int img = 0; img < n; img++) {
                    for (int k = 0; k < c; k++) {
                        for (int p = 0; p < s; p++) {
                            in.putFloat(((img * c + k) * s + p) * Float.BYTES, nchw[(img * c + k) * s + p]);
                            nhwcIn.putFloat(((img * s + p) * c + k) * Float.BYTES, nchw[(img * c + k) * s + p]);
                        }
                    }
                }
                ByteBuffer expected = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder());
                VectorBatchNorm.inference(in, expected, n * c, c, s, scale, shift, relu);
                ByteBuffer out = ByteBuffer.allocateDirect((length + 1) * Float.BYTES).order(ByteOrder.nativeOrder());
                out.putFloat(length * Float.BYTES, 42f);
                VectorBatchNorm.inferenceNhwc(nhwcIn, out, n * s, c, scale, shift, relu);
                for (int img = 0; img < n; img++) {
                    for (int k = 0; k < c; k++) {
                        for (int p = 0; p < s; p++) {
                            assertEquals(expected.getFloat(((img * c + k) * s + p) * Float.BYTES),
                                    out.getFloat(((img * s + p) * c + k) * Float.BYTES), 0f,
                                    "c " + c + " relu " + relu + " image " + img + " channel " + k + " position " + p);
                        }
                    }
                }
                assertEquals(42f, out.getFloat(length * Float.BYTES), "the element past the array");
            }
        }
    }
}
