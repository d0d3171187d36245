package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;

/**
 * The 2x2, stride-2 max pooling of [N, C, H, W] that follows the batch norm and its fused ReLU, done by
 * {@link VectorPooling}'s plane loops on the rows. Its arrays are channel-major, [C][N][H/2 x W/2]
 * plus {@link VectorPooling#SLACK}, the order in which the channels are computed.
 * Created by {@link BatchNormHelper}, filled by {@link BatchNormKernels}, and copied to and from the
 * pooling layer's NCHW arrays by {@link MaxPoolLayer}.
 */
final class FusedPooling {

    final int h;
    final int w;
    /** The forward pass's maxima. */
    final float[] pooled;
    /** Where each maximum was, 0-3 in row order. */
    final float[] where;
    /** The backward pass's incoming gradient of the pooled array. */
    final float[] gradient;

    FusedPooling(int n, int c, int h, int w) {
        this.h = h;
        this.w = w;
        int size = n * c * (h / 2) * (w / 2) + VectorPooling.SLACK;
        pooled = new float[size];
        where = new float[size];
        gradient = new float[size];
    }

    boolean fits(int n, int c, int h, int w) {
        return this.h == h && this.w == w && pooled.length == n * c * (h / 2) * (w / 2) + VectorPooling.SLACK;
    }

    /** Where plane (sample i, channel ch)'s windows start in the arrays. */
    int at(int n, int i, int ch) {
        return (ch * n + i) * (h / 2) * (w / 2);
    }

    /** The pooled maxima into {@code out}, an NCHW [N, C, H/2, W/2] buffer. */
    void pooledInto(FloatBuffer out, int n, int c) {
        copy(out, pooled, n, c, false);
    }

    /** The pooled output's gradient from {@code dy}, an NCHW [N, C, H/2, W/2] buffer, into {@link #gradient}. */
    void gradientFrom(FloatBuffer dy, int n, int c) {
        copy(dy, gradient, n, c, true);
    }

    private void copy(FloatBuffer nchw, float[] channelMajor, int n, int c, boolean intoHeap) {
        int windows = (h / 2) * (w / 2);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                if (intoHeap) {
                    nchw.get((i * c + ch) * windows, channelMajor, at(n, i, ch), windows);
                } else {
                    nchw.put((i * c + ch) * windows, channelMajor, at(n, i, ch), windows);
                }
            }
        }
    }
}
