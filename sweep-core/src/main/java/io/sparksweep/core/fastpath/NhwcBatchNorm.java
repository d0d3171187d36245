package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation's training passes on NHWC arrays, N x H x W rows of C floats (the convolutions'
 * outputs in training, {@link ReusingConvolutionLayer}, {@link NhwcConvolution}), with the ReLU after it and a 2x2
 * max pooling after that fused, in place on ND4J's buffers in the Vector API, 16 channels to a vector.
 * In NHWC every pass is a run of whole vectors over contiguous memory, so it needs neither
 * {@link BatchNormKernels}' heap rows (a copy in and out of every plane, the plane as short as 49 floats)
 * nor oneDNN's layout reorders around the convolutions.
 *
 * <p>The arithmetic is {@link BatchNormKernels}': the batch mean, then the centred population variance
 * (a second pass), y = scale x + shift as a product then a sum, and the exact gradient through the batch
 * statistics. Sums run in float vectors over at most {@link #BLOCK} rows (or one row pair's windows) and
 * are added up in double, as that class's rows are. Pooling keeps the first maximum in row order, as
 * {@link FusedPooling} does; where it was (0-3) is kept for the backward pass. Only C a multiple of 16
 * ({@link #takes}); {@link BatchNormHelper} leaves other arrays to {@link BatchNormKernels}.
 *
 * <p>This class is loaded only where the JVM runs with {@code --add-modules=jdk.incubator.vector}.
 */
final class NhwcBatchNorm {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** The most rows a float sum runs over before it is added to the double one. */
    static final int BLOCK = 64;

    private float[] acc1 = new float[0];
    private float[] acc2 = new float[0];
    private double[] sum1 = new double[0];
    private double[] sum2 = new double[0];
    private final float[] lanes = new float[LANES];
    private float[] fa = new float[0];
    private float[] fp = new float[0];
    private float[] fq = new float[0];

    /** Whether the passes take C channels: whole vectors of them. */
    static boolean takes(long c) {
        return c > 0 && c % LANES == 0;
    }

    /** Whether {@code where} (floats, one per pooled element) is large enough for [N, H/2, W/2, C]. */
    static int whereLength(int n, int h, int w, int c) {
        return n * (h / 2) * (w / 2) * c;
    }

    /**
     * The batch's mean and population variance per channel into {@code stats}, then the scale and shift of
     * y = scale x + shift ({@link BatchNormKernels#coefficients}), for {@code rows} rows of C floats.
     */
    void statistics(ByteBuffer x, int rows, int c, float[] gamma, float[] beta, double eps, BatchNormKernels.Statistics stats) {
        scratch(c);
        Arrays.fill(sum1, 0, c, 0);
        for (int from = 0; from < rows; from += BLOCK) {
            blockSums(x, from, Math.min(rows, from + BLOCK), c, null);
        }
        for (int k = 0; k < c; k++) {
            sum2[k] = sum1[k] / rows;
            stats.mean[k] = (float) sum2[k];
        }
        Arrays.fill(sum1, 0, c, 0);
        for (int from = 0; from < rows; from += BLOCK) {
            blockSums(x, from, Math.min(rows, from + BLOCK), c, stats.mean);
        }
        for (int k = 0; k < c; k++) {
            double var = sum1[k] / rows;
            stats.variance[k] = (float) var;
            BatchNormKernels.coefficients(stats, k, gamma[k], beta[k], sum2[k], var, eps);
        }
    }

    /** The sums per channel of {@code rows} rows of C floats, a multiple of 16 ({@link #takes}), into {@code into}. */
    static void channelSums(ByteBuffer x, int rows, int c, float[] into) {
        NhwcBatchNorm kernels = new NhwcBatchNorm();
        kernels.scratch(c);
        for (int from = 0; from < rows; from += BLOCK) {
            kernels.blockSums(x, from, Math.min(rows, from + BLOCK), c, null);
        }
        for (int k = 0; k < c; k++) {
            into[k] = (float) kernels.sum1[k];
        }
    }

    /**
     * Adds the sums of rows {@code from} to {@code to} per channel, or of their squared distances to
     * {@code centre}, to {@link #sum1}. Like every method here that computes with vectors, it passes none to
     * another method: C2 inlines only small callees into a method this large, and a vector passed to one it
     * does not inline is a heap object.
     */
    private void blockSums(ByteBuffer x, int from, int to, int c, float[] centre) {
        for (int k = 0; k < c; k += LANES) {
            FloatVector s = FloatVector.zero(FLOATS);
            if (centre == null) {
                for (int r = from; r < to; r++) {
                    s = s.add(FloatVector.fromByteBuffer(FLOATS, x, (r * c + k) * Float.BYTES, ORDER));
                }
            } else {
                FloatVector mu = FloatVector.fromArray(FLOATS, centre, k);
                for (int r = from; r < to; r++) {
                    FloatVector d = FloatVector.fromByteBuffer(FLOATS, x, (r * c + k) * Float.BYTES, ORDER).sub(mu);
                    s = s.add(d.mul(d));
                }
            }
            s.intoArray(lanes, 0);
            for (int l = 0; l < LANES; l++) {
                sum1[k + l] += lanes[l];
            }
        }
    }

    /**
     * Writes y = scale x + shift (then max(y, 0) when {@code relu}) for the [N, H, W, C] array {@code x}
     * into {@code y}; with {@code pooled}, also the 2x2 stride-2 maxima of y into it ([N, H/2, W/2, C];
     * a last odd row or column is in no window) and where each was into {@code where}.
     */
    static void normalize(ByteBuffer x, ByteBuffer y, int n, int h, int w, int c, float[] scale, float[] shift, boolean relu,
                          ByteBuffer pooled, float[] where) {
        if (pooled == null) {
            normalizeRows(x, y, 0, n * h * w, c, scale, shift, relu);
            return;
        }
        int ho = h / 2;
        for (int img = 0; img < n; img++) {
            for (int i = 0; i < ho; i++) {
                int top = (img * h + 2 * i) * w;
                poolRowPair(x, y, top, w, c, scale, shift, relu, pooled, where, (img * ho + i) * (w / 2) * c);
                if (w % 2 == 1) {
                    normalizeRows(x, y, top + w - 1, top + w, c, scale, shift, relu);
                    normalizeRows(x, y, top + 2 * w - 1, top + 2 * w, c, scale, shift, relu);
                }
            }
            if (h % 2 == 1) {
                int last = (img * h + h - 1) * w;
                normalizeRows(x, y, last, last + w, c, scale, shift, relu);
            }
        }
    }

    /**
     * The rows {@code top} and {@code top + w}'s windows: y written at their four elements, the maximum
     * (the first in row order: a later element wins only when strictly greater) at {@code out} onwards.
     */
    private static void poolRowPair(ByteBuffer x, ByteBuffer y, int top, int w, int c, float[] scale, float[] shift, boolean relu,
                                    ByteBuffer pooled, float[] where, int out) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector floor = relu ? zero : FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        int step = c * Float.BYTES;
        int down = w * step;
        for (int j = 0; j < w / 2; j++) {
            int e = (top + 2 * j) * step;
            int o = out + j * c;
            for (int k = 0; k < c; k += LANES) {
                FloatVector a = FloatVector.fromArray(FLOATS, scale, k);
                FloatVector b = FloatVector.fromArray(FLOATS, shift, k);
                int at = e + k * Float.BYTES;
                FloatVector y0 = FloatVector.fromByteBuffer(FLOATS, x, at, ORDER).mul(a).add(b).max(floor);
                FloatVector y1 = FloatVector.fromByteBuffer(FLOATS, x, at + step, ORDER).mul(a).add(b).max(floor);
                FloatVector y2 = FloatVector.fromByteBuffer(FLOATS, x, at + down, ORDER).mul(a).add(b).max(floor);
                FloatVector y3 = FloatVector.fromByteBuffer(FLOATS, x, at + down + step, ORDER).mul(a).add(b).max(floor);
                y0.intoByteBuffer(y, at, ORDER);
                y1.intoByteBuffer(y, at + step, ORDER);
                y2.intoByteBuffer(y, at + down, ORDER);
                y3.intoByteBuffer(y, at + down + step, ORDER);
                VectorMask<Float> m1 = y1.compare(VectorOperators.GT, y0);
                FloatVector best = y0.blend(y1, m1);
                FloatVector place = zero.blend(1f, m1);
                VectorMask<Float> m2 = y2.compare(VectorOperators.GT, best);
                best = best.blend(y2, m2);
                place = place.blend(2f, m2);
                VectorMask<Float> m3 = y3.compare(VectorOperators.GT, best);
                best = best.blend(y3, m3);
                place = place.blend(3f, m3);
                best.intoByteBuffer(pooled, (o + k) * Float.BYTES, ORDER);
                place.intoArray(where, o + k);
            }
        }
    }

    private static void normalizeRows(ByteBuffer x, ByteBuffer y, int from, int to, int c, float[] scale, float[] shift,
                                      boolean relu) {
        FloatVector floor = FloatVector.broadcast(FLOATS, relu ? 0f : Float.NEGATIVE_INFINITY);
        for (int r = from; r < to; r++) {
            for (int k = 0; k < c; k += LANES) {
                int at = (r * c + k) * Float.BYTES;
                FloatVector.fromByteBuffer(FLOATS, x, at, ORDER).mul(FloatVector.fromArray(FLOATS, scale, k))
                        .add(FloatVector.fromArray(FLOATS, shift, k)).max(floor).intoByteBuffer(y, at, ORDER);
            }
        }
    }

    /**
     * The gradient with respect to x into {@code dx}, and those with respect to gamma and beta, for the
     * forward pass {@link #normalize} made with {@code stats}: the incoming gradient is {@code dy} ([N, H, W,
     * C]) or, with {@code pooledGradient} ([N, H/2, W/2, C]), that of the pooled output, routed to where
     * each maximum was. With {@code relu} it is masked where y was 0.
     */
    void backward(ByteBuffer x, ByteBuffer dy, ByteBuffer pooledGradient, float[] where, ByteBuffer dx, int n, int h, int w,
                  int c, float[] gamma, BatchNormKernels.Statistics stats, float[] dGamma, float[] dBeta, boolean relu) {
        scratch(c);
        Arrays.fill(sum1, 0, c, 0);
        Arrays.fill(sum2, 0, c, 0);
        int rows = n * h * w;
        if (pooledGradient == null) {
            for (int from = 0; from < rows; from += BLOCK) {
                Arrays.fill(acc1, 0, c, 0f);
                Arrays.fill(acc2, 0, c, 0f);
                maskedRows(x, dy, dx, from, Math.min(rows, from + BLOCK), c, stats, relu);
                addUp(c);
            }
        } else {
            int ho = h / 2;
            for (int img = 0; img < n; img++) {
                for (int i = 0; i < ho; i++) {
                    int top = (img * h + 2 * i) * w;
                    Arrays.fill(acc1, 0, c, 0f);
                    Arrays.fill(acc2, 0, c, 0f);
                    routeRowPair(x, pooledGradient, where, dx, top, w, c, stats, relu, (img * ho + i) * (w / 2) * c);
                    addUp(c);
                    if (w % 2 == 1) {
                        zeros(dx, top + w - 1, top + w, c);
                        zeros(dx, top + 2 * w - 1, top + 2 * w, c);
                    }
                }
                if (h % 2 == 1) {
                    int last = (img * h + h - 1) * w;
                    zeros(dx, last, last + w, c);
                }
            }
        }
        for (int k = 0; k < c; k++) {
            BatchNormKernels.gradientCoefficients(stats, k, gamma[k], sum1[k], sum2[k], rows, dGamma, dBeta, fa, fp, fq);
        }
        apply(x, dx, rows, c);
    }

    /** dx = g fa + x fp + fq per channel, g being what the first pass left in {@code dx}. */
    private void apply(ByteBuffer x, ByteBuffer dx, int rows, int c) {
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < c; k += LANES) {
                int at = (r * c + k) * Float.BYTES;
                FloatVector.fromByteBuffer(FLOATS, dx, at, ORDER).mul(FloatVector.fromArray(FLOATS, fa, k))
                        .add(FloatVector.fromByteBuffer(FLOATS, x, at, ORDER).mul(FloatVector.fromArray(FLOATS, fp, k)))
                        .add(FloatVector.fromArray(FLOATS, fq, k)).intoByteBuffer(dx, at, ORDER);
            }
        }
    }

    /** The first backward pass without pooling: dy masked by the ReLU into dx, and its sums. */
    private void maskedRows(ByteBuffer x, ByteBuffer dy, ByteBuffer dx, int from, int to, int c, BatchNormKernels.Statistics stats,
                            boolean relu) {
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int r = from; r < to; r++) {
            for (int k = 0; k < c; k += LANES) {
                int at = (r * c + k) * Float.BYTES;
                FloatVector xv = FloatVector.fromByteBuffer(FLOATS, x, at, ORDER);
                FloatVector g = FloatVector.fromByteBuffer(FLOATS, dy, at, ORDER);
                if (relu) {
                    FloatVector yv = xv.mul(FloatVector.fromArray(FLOATS, stats.scale, k)).add(FloatVector.fromArray(FLOATS, stats.shift, k));
                    g = zero.blend(g, yv.compare(VectorOperators.GT, 0f));
                }
                g.intoByteBuffer(dx, at, ORDER);
                FloatVector.fromArray(FLOATS, acc1, k).add(g).intoArray(acc1, k);
                FloatVector.fromArray(FLOATS, acc2, k).add(g.mul(xv.sub(FloatVector.fromArray(FLOATS, stats.mean, k)))).intoArray(acc2, k);
            }
        }
    }

    /**
     * The first backward pass with pooling, for the windows of rows {@code top} and {@code top + w}: each
     * window's gradient (at {@code out} onwards) to where its maximum was and zeros elsewhere, masked by
     * the ReLU, into dx, and its sums.
     */
    private void routeRowPair(ByteBuffer x, ByteBuffer pooledGradient, float[] where, ByteBuffer dx, int top, int w, int c,
                              BatchNormKernels.Statistics stats, boolean relu, int out) {
        FloatVector zero = FloatVector.zero(FLOATS);
        int step = c * Float.BYTES;
        int down = w * step;
        for (int j = 0; j < w / 2; j++) {
            int e = (top + 2 * j) * step;
            int o = out + j * c;
            for (int k = 0; k < c; k += LANES) {
                FloatVector g = FloatVector.fromByteBuffer(FLOATS, pooledGradient, (o + k) * Float.BYTES, ORDER);
                FloatVector place = FloatVector.fromArray(FLOATS, where, o + k);
                FloatVector a = FloatVector.fromArray(FLOATS, stats.scale, k);
                FloatVector b = FloatVector.fromArray(FLOATS, stats.shift, k);
                FloatVector mu = FloatVector.fromArray(FLOATS, stats.mean, k);
                FloatVector s1 = FloatVector.fromArray(FLOATS, acc1, k);
                FloatVector s2 = FloatVector.fromArray(FLOATS, acc2, k);
                for (int q = 0; q < 4; q++) {
                    int at = e + (q >> 1) * down + (q & 1) * step + k * Float.BYTES;
                    FloatVector xv = FloatVector.fromByteBuffer(FLOATS, x, at, ORDER);
                    VectorMask<Float> m = place.compare(VectorOperators.EQ, (float) q);
                    if (relu) {
                        m = m.and(xv.mul(a).add(b).compare(VectorOperators.GT, 0f));
                    }
                    FloatVector gq = zero.blend(g, m);
                    gq.intoByteBuffer(dx, at, ORDER);
                    s1 = s1.add(gq);
                    s2 = s2.add(gq.mul(xv.sub(mu)));
                }
                s1.intoArray(acc1, k);
                s2.intoArray(acc2, k);
            }
        }
    }

    private static void zeros(ByteBuffer dx, int from, int to, int c) {
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int r = from; r < to; r++) {
            for (int k = 0; k < c; k += LANES) {
                zero.intoByteBuffer(dx, (r * c + k) * Float.BYTES, ORDER);
            }
        }
    }

    private void addUp(int c) {
        for (int k = 0; k < c; k++) {
            sum1[k] += acc1[k];
            sum2[k] += acc2[k];
        }
    }

    private void scratch(int c) {
        if (sum1.length < c) {
            acc1 = new float[c];
            acc2 = new float[c];
            sum1 = new double[c];
            sum2 = new double[c];
            fa = new float[c];
            fp = new float[c];
            fq = new float[c];
        }
    }

    /** Runs the passes on a small array until C2 has compiled them, as {@link VectorPooling#warmUp} does. */
    static void warmUp() {
        int n = 2;
        int h = 5;
        int w = 5;
        int c = 2 * LANES;
        int size = n * h * w * c;
        ByteBuffer x = ByteBuffer.allocateDirect(size * Float.BYTES).order(ORDER);
        ByteBuffer y = ByteBuffer.allocateDirect(size * Float.BYTES).order(ORDER);
        ByteBuffer dx = ByteBuffer.allocateDirect(size * Float.BYTES).order(ORDER);
        int pooledSize = whereLength(n, h, w, c);
        ByteBuffer pooled = ByteBuffer.allocateDirect(pooledSize * Float.BYTES).order(ORDER);
        float[] where = new float[pooledSize];
        for (int i = 0; i < size; i++) {
            x.putFloat(i * Float.BYTES, i % 7 - 3);
        }
        float[] gamma = new float[c];
        float[] beta = new float[c];
        Arrays.fill(gamma, 1f);
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        BatchNormKernels.Statistics stats = new BatchNormKernels.Statistics(c);
        NhwcBatchNorm kernels = new NhwcBatchNorm();
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long start = System.nanoTime();
            for (int k = 0; k < CALLS_PER_ROUND; k++) {
                kernels.statistics(x, n * h * w, c, gamma, beta, 1e-5, stats);
                normalize(x, y, n, h, w, c, stats.scale, stats.shift, true, pooled, where);
                kernels.backward(x, null, pooled, where, dx, n, h, w, c, gamma, stats, dGamma, dBeta, true);
                kernels.backward(x, y, null, null, dx, n, h, w, c, gamma, stats, dGamma, dBeta, (k & 1) == 0);
                channelSums(dx, n * h * w, c, dGamma);
            }
            if (System.nanoTime() - start < (long) COMPILED_NANOS * CALLS_PER_ROUND) {
                return;
            }
        }
    }

    private static final int CALLS_PER_ROUND = 100;
    private static final int WARM_UP_ROUNDS = 100;
    /** A warm-up round of calls' time, per call, between C2's and C1's. */
    private static final int COMPILED_NANOS = 20_000;
}
