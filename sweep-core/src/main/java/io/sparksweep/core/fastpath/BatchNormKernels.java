package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch normalisation's training passes over a row-major [N, C, S] float array (S = H x W for a
 * convolution's NCHW output, 1 for a dense layer's [N, C]), written as plain loops that the JIT turns
 * into vector instructions. A convolution's activations are read channel by channel: the N planes of S
 * values of one channel are copied into heap rows of whole planes that stay in the core's cache for the
 * passes of that channel (statistics, then normalisation), so each element is read from and written to
 * memory once. A 2x2 max pooling after the fused ReLU ({@link FusedPooling}) is done there too: its forward
 * pass pools the rows before they leave the cache, and its backward pass writes the gradient into them,
 * so that the pooling layer reads and writes only the pooled quarter.
 *
 * <p>Every loop indexes all of its arrays with the same expression ({@code v[j]}, never {@code v[o + j]}):
 * JDK 17's C2 leaves a loop scalar when two of its array accesses have different loop-invariant offsets,
 * so a channel is held as separate row arrays rather than one array with offsets. Sums run element-wise
 * into a row of float accumulators, folded at the end.
 *
 * <p>The statistics are the batch mean and the population variance, centred (a second pass over the
 * cached channel), as DL4J's {@code BatchNormalization} computes them; the backward pass is the exact
 * gradient of y = gamma (x - mean) / sqrt(var + eps) + beta through the batch statistics.
 */
final class BatchNormKernels {

    /** The least length of the rows a channel is held in (whole planes), long enough that loop set-up is small. */
    static final int ROW = 512;

    private float[][] xRows = new float[0][];
    private float[][] gRows = new float[0][];
    /** Element-wise sums of a row, a power of two long for {@link #fold}. */
    private float[] acc1 = new float[0];
    private float[] acc2 = new float[0];
    /** Planes per row, and rows, of the current [N, C, S] array. */
    private int perRow;
    private int rowCount;
    private float[] columns1 = new float[0];
    private float[] columns2 = new float[0];
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
     * ({@code training}), or with the given {@code mean} and {@code variance} (inference); with
     * {@code pool} (after a fused ReLU), pools the output into it too.
     */
    void forward(FloatBuffer x, FloatBuffer out, int n, int c, int s, float[] gamma, float[] beta, double eps,
                 Statistics stats, boolean training, float[] mean, float[] variance, boolean relu, FusedPooling pool) {
        if (s == 1) {
            forwardRows(x, out, n, c, gamma, beta, eps, stats, training, mean, variance, relu);
            return;
        }
        int m = n * s;
        float[][] v = xRows = layout(xRows, n, s);
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
            coefficients(stats, ch, gamma[ch], beta[ch], mu, var, eps);
            float a = stats.scale[ch];
            float b = stats.shift[ch];
            for (int r = 0; r < rowCount; r++) {
                float[] row = v[r];
                int len = rowLength(n, s, r);
                if (relu) {
                    for (int j = 0; j < len; j++) {
                        row[j] = Math.max(row[j] * a + b, 0f);
                    }
                } else {
                    for (int j = 0; j < len; j++) {
                        row[j] = row[j] * a + b;
                    }
                }
            }
            scatter(out, v, n, c, s, ch);
            if (pool != null) {
                for (int i = 0; i < n; i++) {
                    VectorPooling.forwardPlane(v[i / perRow], i % perRow * s, pool.h, pool.w, pool.pooled, pool.where,
                            pool.at(n, i, ch));
                }
            }
        }
    }

    /**
     * Channel {@code ch}'s gradients with respect to gamma and beta, and the coefficients of its input
     * gradient dx = fa g + fp x + fq, from the sums over the m elements of the incoming gradient g and of
     * g (x - mean): the gradient of y = gamma (x - mean) / sqrt(var + eps) + beta through the batch statistics.
     */
    static void gradientCoefficients(Statistics stats, int ch, float gamma, double sumDy, double sumDyXmu, int m, float[] dGamma,
                                     float[] dBeta, float[] fa, float[] fp, float[] fq) {
        double inv = stats.invStd[ch];
        dBeta[ch] = (float) sumDy;
        dGamma[ch] = (float) (sumDyXmu * inv);
        double ga = gamma * inv;
        double p = -ga * inv * inv * sumDyXmu / m;
        fa[ch] = (float) ga;
        fp[ch] = (float) p;
        fq[ch] = (float) (-ga * sumDy / m - stats.mean[ch] * p);
    }

    /** Channel {@code ch}'s 1 / sqrt(var + eps), and the scale and shift of y = scale x + shift, into {@code stats}. */
    static void coefficients(Statistics stats, int ch, float gamma, float beta, double mu, double var, double eps) {
        double inv = 1.0 / Math.sqrt(var + eps);
        stats.invStd[ch] = (float) inv;
        stats.scale[ch] = (float) (gamma * inv);
        stats.shift[ch] = (float) (beta - mu * gamma * inv);
    }

    /**
     * The gradient with respect to {@code x} into {@code dx}, and those with respect to gamma and beta,
     * given the incoming gradient {@code dy} and the statistics of the forward pass on the same x; with
     * {@code pool}, the incoming gradient is that of the pooled output, {@link FusedPooling#gradient}, and
     * {@code dy} is not read.
     */
    void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int n, int c, int s, float[] gamma, Statistics stats,
                  float[] dGamma, float[] dBeta, boolean relu, FusedPooling pool) {
        if (s == 1) {
            backwardRows(x, dy, dx, n, c, gamma, stats, dGamma, dBeta, relu);
            return;
        }
        int m = n * s;
        float[][] xv = xRows = layout(xRows, n, s);
        float[][] gv = gRows = layout(gRows, n, s);
        float[] ga = columns1 = atLeast(columns1, c);
        float[] gx = columns2 = atLeast(columns2, c);
        float[] g0 = coefficients = atLeast(coefficients, c);
        for (int ch = 0; ch < c; ch++) {
            gather(x, xv, n, c, s, ch);
            if (pool == null) {
                gather(dy, gv, n, c, s, ch);
            } else {
                for (int i = 0; i < n; i++) {
                    VectorPooling.backwardPlane(pool.gradient, pool.where, pool.at(n, i, ch), gv[i / perRow], i % perRow * s,
                            pool.h, pool.w);
                }
            }
            float mu = stats.mean[ch];
            float a = stats.scale[ch];
            float b = stats.shift[ch];
            Arrays.fill(acc1, 0f);
            Arrays.fill(acc2, 0f);
            for (int r = 0; r < rowCount; r++) {
                float[] xr = xv[r];
                float[] gr = gv[r];
                int len = rowLength(n, s, r);
                if (relu) {
                    for (int j = 0; j < len; j++) {
                        float g = gr[j] * ReluLayer.step(xr[j] * a + b);
                        gr[j] = g;
                        acc1[j] += g;
                        acc2[j] += g * (xr[j] - mu);
                    }
                } else {
                    for (int j = 0; j < len; j++) {
                        float g = gr[j];
                        acc1[j] += g;
                        acc2[j] += g * (xr[j] - mu);
                    }
                }
            }
            gradientCoefficients(stats, ch, gamma[ch], fold(acc1), fold(acc2), m, dGamma, dBeta, ga, gx, g0);
            float fa = ga[ch];
            float fp = gx[ch];
            float fq = g0[ch];
            for (int r = 0; r < rowCount; r++) {
                float[] xr = xv[r];
                float[] gr = gv[r];
                int len = rowLength(n, s, r);
                for (int j = 0; j < len; j++) {
                    gr[j] = gr[j] * fa + xr[j] * fp + fq;
                }
            }
            scatter(dx, gv, n, c, s, ch);
        }
    }

    private void forwardRows(FloatBuffer x, FloatBuffer out, int n, int c, float[] gamma, float[] beta, double eps,
                             Statistics stats, boolean training, float[] mean, float[] variance, boolean relu) {
        float[][] v = xRows = rows(xRows, n, c);
        for (int i = 0; i < n; i++) {
            x.get(i * c, v[i], 0, c);
        }
        float[] mu = training ? stats.mean : mean;
        float[] var = training ? stats.variance : variance;
        if (training) {
            float[] r = columns1 = atLeast(columns1, c);
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
            float[] row = v[i];
            if (relu) {
                for (int j = 0; j < c; j++) {
                    row[j] = Math.max(row[j] * a[j] + b[j], 0f);
                }
            } else {
                for (int j = 0; j < c; j++) {
                    row[j] = row[j] * a[j] + b[j];
                }
            }
            out.put(i * c, row, 0, c);
        }
    }

    private void backwardRows(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int n, int c, float[] gamma, Statistics stats,
                              float[] dGamma, float[] dBeta, boolean relu) {
        float[][] xv = xRows = rows(xRows, n, c);
        float[][] gv = gRows = rows(gRows, n, c);
        float[] r1 = columns1 = atLeast(columns1, c);
        float[] r2 = columns2 = atLeast(columns2, c);
        Arrays.fill(r1, 0, c, 0f);
        Arrays.fill(r2, 0, c, 0f);
        float[] mu = stats.mean;
        float[] a = stats.scale;
        float[] b = stats.shift;
        for (int i = 0; i < n; i++) {
            float[] xr = xv[i];
            float[] gr = gv[i];
            x.get(i * c, xr, 0, c);
            dy.get(i * c, gr, 0, c);
            if (relu) {
                for (int j = 0; j < c; j++) {
                    gr[j] *= ReluLayer.step(xr[j] * a[j] + b[j]);
                }
            }
            for (int j = 0; j < c; j++) {
                float g = gr[j];
                r1[j] += g;
                r2[j] += g * (xr[j] - mu[j]);
            }
        }
        float[] coef = coefficients = atLeast(coefficients, c);
        for (int j = 0; j < c; j++) {
            // The sums in r1 and r2 are read before the coefficients take their places.
            gradientCoefficients(stats, j, gamma[j], r1[j], r2[j], n, dGamma, dBeta, r1, r2, coef);
        }
        for (int i = 0; i < n; i++) {
            float[] xr = xv[i];
            float[] gr = gv[i];
            for (int j = 0; j < c; j++) {
                gr[j] = gr[j] * r1[j] + xr[j] * r2[j] + coef[j];
            }
            dx.put(i * c, gr, 0, c);
        }
    }

    /** Sums of the columns of n rows of c values, or of their squared distances to {@code centre}. */
    private static void columnSums(float[][] v, int n, int c, float[] centre, float[] into) {
        Arrays.fill(into, 0, c, 0f);
        for (int i = 0; i < n; i++) {
            float[] row = v[i];
            if (centre == null) {
                for (int j = 0; j < c; j++) {
                    into[j] += row[j];
                }
            } else {
                for (int j = 0; j < c; j++) {
                    float d = row[j] - centre[j];
                    into[j] += d * d;
                }
            }
        }
    }

    /** The sum of a channel's n planes of s values held in rows, or of their squared distances to {@code centre}. */
    private double sum(float[][] v, int n, int s, float centre, boolean squares) {
        Arrays.fill(acc1, 0f);
        for (int r = 0; r < rowCount; r++) {
            float[] row = v[r];
            int len = rowLength(n, s, r);
            if (squares) {
                for (int j = 0; j < len; j++) {
                    float d = row[j] - centre;
                    acc1[j] += d * d;
                }
            } else {
                for (int j = 0; j < len; j++) {
                    acc1[j] += row[j];
                }
            }
        }
        return fold(acc1);
    }

    /** The sum of a row of accumulators: halved in place (vectorised, constant offsets) down to 16, then in double. */
    private static double fold(float[] acc) {
        for (int half = acc.length / 2; half >= 16; half /= 2) {
            for (int j = 0; j < half; j++) {
                acc[j] += acc[j + half];
            }
        }
        double t = 0;
        for (int j = 0; j < 16; j++) {
            t += acc[j];
        }
        return t;
    }

    /**
     * Sets the layout of n planes of s values: as many whole planes per row as fit in {@link #ROW} (at least
     * one), accumulators as long as a row; returns {@code rows}, or rows of that length.
     */
    private float[][] layout(float[][] rows, int n, int s) {
        perRow = Math.max(1, ROW / s);
        rowCount = (n + perRow - 1) / perRow;
        int accLength = Integer.highestOneBit(Math.max(16, perRow * s - 1)) * 2;
        if (acc1.length != accLength) {
            acc1 = new float[accLength];
            acc2 = new float[accLength];
        }
        return rows(rows, rowCount, perRow * s + VectorPooling.SLACK); // past the planes: the pooling's vectors read and write there
    }

    /** The values in row r: its planes times s (the last row may hold fewer planes). */
    private int rowLength(int n, int s, int r) {
        return Math.min(perRow, n - r * perRow) * s;
    }

    private void gather(FloatBuffer from, float[][] to, int n, int c, int s, int ch) {
        copy(from, to, n, c, s, ch, true);
    }

    private void scatter(FloatBuffer to, float[][] from, int n, int c, int s, int ch) {
        copy(to, from, n, c, s, ch, false);
    }

    /**
     * Copies channel {@code ch}'s n planes of s values between the [N, C, S] buffer and the rows of
     * {@link #layout}: into the rows, or back out of them.
     */
    private void copy(FloatBuffer buffer, float[][] rows, int n, int c, int s, int ch, boolean intoRows) {
        for (int i = 0; i < n; i++) {
            int at = (i * c + ch) * s;
            if (intoRows) {
                buffer.get(at, rows[i / perRow], i % perRow * s, s);
            } else {
                buffer.put(at, rows[i / perRow], i % perRow * s, s);
            }
        }
    }

    /** At least {@code count} rows of exactly {@code length} floats, reusing the ones there are. */
    private static float[][] rows(float[][] rows, int count, int length) {
        if (rows.length >= count && (count == 0 || rows[0].length == length)) {
            return rows;
        }
        float[][] grown = new float[Math.max(count, rows.length)][];
        for (int r = 0; r < grown.length; r++) {
            grown[r] = r < rows.length && rows[r].length == length ? rows[r] : new float[length];
        }
        return grown;
    }

    private static float[] atLeast(float[] scratch, int size) {
        return scratch.length >= size ? scratch : new float[size];
    }
}
