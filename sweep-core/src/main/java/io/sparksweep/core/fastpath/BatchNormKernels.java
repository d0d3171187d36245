package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;

/**
 * Batch normalisation's training passes over a row-major [N, C, S] float array (S = H x W for a
 * convolution's NCHW output, 1 for a dense layer's [N, C]), written as plain loops that the JIT turns
 * into vector instructions. A convolution's activations are read channel by channel: the N runs of S
 * values of one channel are copied into a heap array that stays in the core's cache for the passes of
 * that channel (statistics, then normalisation), so each element is read from and written to memory
 * once. Sums run element-wise over the N runs (vectorised, N terms in float) and then over S in double.
 *
 * <p>The statistics are the batch mean and the population variance, centred (a second pass over the
 * cached channel), as DL4J's {@code BatchNormalization} computes them; the backward pass is the exact
 * gradient of y = gamma (x - mean) / sqrt(var + eps) + beta through the batch statistics.
 */
final class BatchNormKernels {

    private float[] chunk = new float[0];
    private float[] gradChunk = new float[0];
    private float[] rowSum = new float[0];
    private float[] rowSum2 = new float[0];
    private float[] coefficients = new float[0];

    /** Per channel: the batch mean, the population variance, and 1 / sqrt(var + eps). */
    static final class Statistics {
        final float[] mean;
        final float[] variance;
        final float[] invStd;
        /** The forward pass's y = scale x + shift, from which the backward pass tells where a fused ReLU was 0. */
        final float[] scale;
        final float[] shift;

        Statistics(int channels) {
            mean = new float[channels];
            variance = new float[channels];
            invStd = new float[channels];
            scale = new float[channels];
            shift = new float[channels];
        }
    }

    /**
     * Normalises {@code x} into {@code out} with the batch's statistics, written into {@code stats}
     * ({@code training}), or with the given {@code mean} and {@code variance} (inference).
     */
    void forward(FloatBuffer x, FloatBuffer out, int n, int c, int s, float[] gamma, float[] beta, double eps,
                 Statistics stats, boolean training, float[] mean, float[] variance, boolean relu) {
        if (s == 1) {
            forwardRows(x, out, n, c, gamma, beta, eps, stats, training, mean, variance, relu);
            return;
        }
        int m = n * s;
        float[] v = chunk(m);
        for (int ch = 0; ch < c; ch++) {
            gather(x, v, n, c, s, ch);
            double mu;
            double var;
            if (training) {
                mu = sum(v, n, s, 0f, false) / m;
                var = sum(v, n, s, (float) mu, true) / m;
                stats.mean[ch] = (float) mu;
                stats.variance[ch] = (float) var;
            } else {
                mu = mean[ch];
                var = variance[ch];
            }
            double inv = 1.0 / Math.sqrt(var + eps);
            stats.invStd[ch] = (float) inv;
            float a = (float) (gamma[ch] * inv);
            float b = (float) (beta[ch] - mu * gamma[ch] * inv);
            stats.scale[ch] = a;
            stats.shift[ch] = b;
            if (relu) {
                for (int k = 0; k < m; k++) {
                    v[k] = Math.max(v[k] * a + b, 0f);
                }
            } else {
                for (int k = 0; k < m; k++) {
                    v[k] = v[k] * a + b;
                }
            }
            scatter(out, v, n, c, s, ch);
        }
    }

    /**
     * The gradient with respect to {@code x} into {@code dx}, and those with respect to gamma and beta,
     * given the incoming gradient {@code dy} and the statistics of the forward pass on the same x.
     */
    void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int n, int c, int s, float[] gamma, Statistics stats,
                  float[] dGamma, float[] dBeta, boolean relu) {
        if (s == 1) {
            backwardRows(x, dy, dx, n, c, gamma, stats, dGamma, dBeta, relu);
            return;
        }
        int m = n * s;
        float[] xv = chunk(m);
        float[] gv = gradChunk(m);
        float[] r1 = rowSum(s);
        float[] r2 = rowSum2(s);
        for (int ch = 0; ch < c; ch++) {
            gather(x, xv, n, c, s, ch);
            gather(dy, gv, n, c, s, ch);
            if (relu) {
                float a = stats.scale[ch];
                float b = stats.shift[ch];
                for (int k = 0; k < m; k++) {
                    gv[k] = Float.intBitsToFloat(Float.floatToRawIntBits(gv[k]) & positive(xv[k] * a + b));
                }
            }
            float mu = stats.mean[ch];
            java.util.Arrays.fill(r1, 0, s, 0f);
            java.util.Arrays.fill(r2, 0, s, 0f);
            for (int i = 0; i < n; i++) {
                int o = i * s;
                for (int j = 0; j < s; j++) {
                    float g = gv[o + j];
                    r1[j] += g;
                    r2[j] += g * (xv[o + j] - mu);
                }
            }
            double sumDy = total(r1, s);
            double sumDyXmu = total(r2, s);
            double inv = stats.invStd[ch];
            dBeta[ch] = (float) sumDy;
            dGamma[ch] = (float) (sumDyXmu * inv);
            double a = gamma[ch] * inv;
            double p = -a * inv * inv * sumDyXmu / m;
            float fa = (float) a;
            float fp = (float) p;
            float fq = (float) (-a * sumDy / m - mu * p);
            for (int k = 0; k < m; k++) {
                gv[k] = gv[k] * fa + xv[k] * fp + fq;
            }
            scatter(dx, gv, n, c, s, ch);
        }
    }

    private void forwardRows(FloatBuffer x, FloatBuffer out, int n, int c, float[] gamma, float[] beta, double eps,
                             Statistics stats, boolean training, float[] mean, float[] variance, boolean relu) {
        float[] v = chunk(n * c);
        x.get(0, v, 0, n * c);
        float[] mu = training ? stats.mean : mean;
        float[] var = training ? stats.variance : variance;
        if (training) {
            float[] r = rowSum(c);
            columnSums(v, n, c, null, r);
            for (int j = 0; j < c; j++) {
                mu[j] = r[j] / n;
            }
            columnSums(v, n, c, mu, r);
            for (int j = 0; j < c; j++) {
                var[j] = r[j] / n;
            }
        }
        float[] a = stats.scale;
        float[] b = stats.shift;
        for (int j = 0; j < c; j++) {
            double inv = 1.0 / Math.sqrt(var[j] + eps);
            stats.invStd[j] = (float) inv;
            a[j] = (float) (gamma[j] * inv);
            b[j] = (float) (beta[j] - mu[j] * gamma[j] * inv);
        }
        for (int i = 0; i < n; i++) {
            int o = i * c;
            if (relu) {
                for (int j = 0; j < c; j++) {
                    v[o + j] = Math.max(v[o + j] * a[j] + b[j], 0f);
                }
            } else {
                for (int j = 0; j < c; j++) {
                    v[o + j] = v[o + j] * a[j] + b[j];
                }
            }
        }
        out.put(0, v, 0, n * c);
    }

    private void backwardRows(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int n, int c, float[] gamma, Statistics stats,
                              float[] dGamma, float[] dBeta, boolean relu) {
        float[] xv = chunk(n * c);
        float[] gv = gradChunk(n * c);
        x.get(0, xv, 0, n * c);
        dy.get(0, gv, 0, n * c);
        if (relu) {
            for (int i = 0; i < n; i++) {
                int o = i * c;
                for (int j = 0; j < c; j++) {
                    int mask = positive(xv[o + j] * stats.scale[j] + stats.shift[j]);
                    gv[o + j] = Float.intBitsToFloat(Float.floatToRawIntBits(gv[o + j]) & mask);
                }
            }
        }
        float[] r1 = rowSum(c);
        float[] r2 = rowSum2(c);
        java.util.Arrays.fill(r1, 0, c, 0f);
        java.util.Arrays.fill(r2, 0, c, 0f);
        float[] mu = stats.mean;
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = 0; j < c; j++) {
                float g = gv[o + j];
                r1[j] += g;
                r2[j] += g * (xv[o + j] - mu[j]);
            }
        }
        float[] coef = coefficients = atLeast(coefficients, 3 * c);
        for (int j = 0; j < c; j++) {
            double inv = stats.invStd[j];
            dBeta[j] = r1[j];
            dGamma[j] = (float) (r2[j] * inv);
            double a = gamma[j] * inv;
            double p = -a * inv * inv * r2[j] / n;
            coef[j] = (float) a;
            coef[c + j] = (float) p;
            coef[2 * c + j] = (float) (-a * r1[j] / n - mu[j] * p);
        }
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = 0; j < c; j++) {
                gv[o + j] = gv[o + j] * coef[j] + xv[o + j] * coef[c + j] + coef[2 * c + j];
            }
        }
        dx.put(0, gv, 0, n * c);
    }

    /**
     * All ones where {@code y > 0}, else 0, without a branch (branches on the sign of activations are
     * mispredicted half the time, and selects of floats are not vectorised): the bits of a float are a
     * positive int exactly when it is above 0 (or a positive NaN, which fails the trial anyway).
     */
    static int positive(float y) {
        int bits = Float.floatToRawIntBits(y);
        return (-bits & ~bits) >> 31;
    }

    /** Sums of the columns of an [n, c] array, or of their squared distances to {@code centre}. */
    private static void columnSums(float[] v, int n, int c, float[] centre, float[] into) {
        java.util.Arrays.fill(into, 0, c, 0f);
        for (int i = 0; i < n; i++) {
            int o = i * c;
            if (centre == null) {
                for (int j = 0; j < c; j++) {
                    into[j] += v[o + j];
                }
            } else {
                for (int j = 0; j < c; j++) {
                    float d = v[o + j] - centre[j];
                    into[j] += d * d;
                }
            }
        }
    }

    /** The sum of a channel's n runs of s values, or of their squared distances to {@code centre}. */
    private double sum(float[] v, int n, int s, float centre, boolean squares) {
        float[] r = rowSum(s);
        java.util.Arrays.fill(r, 0, s, 0f);
        for (int i = 0; i < n; i++) {
            int o = i * s;
            if (squares) {
                for (int j = 0; j < s; j++) {
                    float d = v[o + j] - centre;
                    r[j] += d * d;
                }
            } else {
                for (int j = 0; j < s; j++) {
                    r[j] += v[o + j];
                }
            }
        }
        return total(r, s);
    }

    private static double total(float[] r, int s) {
        double t = 0;
        for (int j = 0; j < s; j++) {
            t += r[j];
        }
        return t;
    }

    private static void gather(FloatBuffer from, float[] to, int n, int c, int s, int ch) {
        for (int i = 0; i < n; i++) {
            from.get((i * c + ch) * s, to, i * s, s);
        }
    }

    private static void scatter(FloatBuffer to, float[] from, int n, int c, int s, int ch) {
        for (int i = 0; i < n; i++) {
            to.put((i * c + ch) * s, from, i * s, s);
        }
    }

    private float[] chunk(int size) {
        return chunk = atLeast(chunk, size);
    }

    private float[] gradChunk(int size) {
        return gradChunk = atLeast(gradChunk, size);
    }

    private float[] rowSum(int size) {
        return rowSum = atLeast(rowSum, size);
    }

    private float[] rowSum2(int size) {
        return rowSum2 = atLeast(rowSum2, size);
    }

    private static float[] atLeast(float[] scratch, int size) {
        return scratch.length >= size ? scratch : new float[size];
    }
}
