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
}
