package io.sparksweep.core.fastpath;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The 2x2, stride-2 max pooling of [N, C, H, W] that follows the batch norm and its fused ReLU, done by
 * {@link VectorPooling}'s plane loops on the rows. Its arrays are channel-major, [C][N][H/2 x W/2]
 * plus {@link VectorPooling#SLACK}, the order in which the channels are computed.
 * Created by {@link BatchNormHelper}, filled by {@link BatchNormKernels}, and copied to and from the
 * pooling layer's NCHW arrays by {@link MaxPoolLayer}. For an NHWC batch norm ({@link NhwcBatchNorm}) it
 * holds ND4J's NHWC arrays instead, which the pooling layer passes on without a copy, and only the maxima's
 * places on the heap, in the same order.
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
    /** Whether the arrays are NHWC ND4J arrays ({@link #nhwcPooled}, {@link #nhwcGradient}) rather than the heap's. */
    final boolean nhwc;
    /** The NHWC forward pass's maxima, [N, C, H/2, W/2] laid out NHWC, written by the batch norm. */
    INDArray nhwcPooled;
    /**
     * The NHWC backward pass's incoming gradient of {@link #nhwcPooled}, laid out as it is: a copy outside
     * DL4J's workspaces, since DL4J reuses a layer's gradient workspace two layers on, before the batch norm
     * reads it.
     */
    final INDArray nhwcGradient;

    FusedPooling(int n, int c, int h, int w) {
        this(n, c, h, w, false);
    }

    private FusedPooling(int n, int c, int h, int w, boolean nhwc) {
        this.h = h;
        this.w = w;
        this.nhwc = nhwc;
        int size = n * c * (h / 2) * (w / 2) + VectorPooling.SLACK;
        pooled = nhwc ? new float[0] : new float[size];
        where = new float[size];
        gradient = nhwc ? new float[0] : new float[size];
        if (nhwc) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                nhwcGradient = Nd4j.createUninitialized(DataType.FLOAT, n, h / 2, w / 2, c).permute(0, 3, 1, 2);
            }
        } else {
            nhwcGradient = null;
        }
    }

    /** The pooling of an NHWC batch norm's output, for {@link NhwcBatchNorm}. */
    static FusedPooling nhwc(int n, int c, int h, int w) {
        return new FusedPooling(n, c, h, w, true);
    }

    boolean fits(int n, int c, int h, int w, boolean nhwc) {
        return this.h == h && this.w == w && this.nhwc == nhwc && where.length == n * c * (h / 2) * (w / 2) + VectorPooling.SLACK;
    }

    /** The pooled output, as the pooling layer's activations: the NHWC array itself, or an NCHW copy. */
    INDArray output(LayerWorkspaceMgr workspaceMgr, int n, int c) {
        if (nhwc) {
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, nhwcPooled);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {n, c, h / 2, w / 2}, 'c');
        pooledInto(NativeFloats.buffer(out), n, c);
        return out;
    }

    /** Takes the pooled output's gradient {@code dy} for the batch norm's backward pass. */
    void takeGradient(INDArray dy, int n, int c) {
        if (!nhwc) {
            gradientFrom(NativeFloats.buffer(NativeFloats.contiguousOrCopy(dy)), n, c);
        } else {
            // From the convolution after it (libnd4j's conv2d_bp writes an NHWC input gradient slowly, so it
            // writes NCHW) or from the dense layers' preprocessor: laid out as the maxima are.
            nhwcGradient.assign(dy);
        }
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
