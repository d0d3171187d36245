package io.sparksweep.core.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Views of ND4J's native float arrays for the fast path's own loops and BLAS calls. */
final class NativeFloats {

    private NativeFloats() {
    }

    /** Whether {@code a} is a float array laid out row-major with no gaps, so that its elements are one run. */
    static boolean contiguous(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.ordering() != 'c') {
            return false;
        }
        // Shape.hasDefaultStridesForShape also rejects views, whose elements may still be one run.
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Whether {@code a}, of NCHW shape [N, C, H, W], is a view of a row-major NHWC array ([N, H, W, C], one
     * run of floats): what {@link #nhwc} makes, and what oneDNN's convolutions read and write without a
     * layout reorder.
     */
    static boolean nhwcView(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.rank() != 4) {
            return false;
        }
        long c = a.size(1);
        long h = a.size(2);
        long w = a.size(3);
        long[] stride = a.stride();
        return stride[1] == 1 && stride[3] == c && stride[2] == w * c && (a.size(0) == 1 || stride[0] == h * w * c);
    }

    /** An uninitialised [N, C, H, W] array laid out NHWC ({@link #nhwcView}), in the layer's activations workspace. */
    static INDArray nhwc(LayerWorkspaceMgr workspaceMgr, long n, long c, long h, long w) {
        return nhwc(workspaceMgr, ArrayType.ACTIVATIONS, n, c, h, w);
    }

    /** The same in the workspace of {@code type}. */
    static INDArray nhwc(LayerWorkspaceMgr workspaceMgr, ArrayType type, long n, long c, long h, long w) {
        return workspaceMgr.createUninitialized(type, DataType.FLOAT, new long[] {n, h, w, c}, 'c').permute(0, 3, 1, 2);
    }

    /** {@code a} itself when {@link #contiguous}, otherwise a row-major copy of it. */
    static INDArray contiguousOrCopy(INDArray a) {
        return contiguous(a) ? a : a.dup('c');
    }

    /** The native address of an array's first element, as a pointer bounded by its length. */
    static FloatPointer pointer(INDArray a) {
        return at(a.data().address() + a.offset() * Float.BYTES, a.length());
    }

    /** A buffer over a {@link #contiguous} array's elements, index 0 being its first. */
    static FloatBuffer buffer(INDArray a) {
        return pointer(a).asBuffer();
    }

    /** The same elements as bytes in the machine's order, for the Vector API's loads and stores. */
    static ByteBuffer bytes(INDArray a) {
        return pointer(a).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** {@code values} written into {@code view} (a parameter's or gradient's view, one run or not). */
    static void put(INDArray view, float[] values) {
        if (contiguous(view)) {
            buffer(view).put(0, values);
        } else {
            view.assign(Nd4j.createFromArray(values).reshape(view.shape()));
        }
    }

    static FloatPointer at(long where, long count) {
        // Pointer's fields are protected: an anonymous subclass sets them (the names differ from the
        // fields on purpose, which would otherwise shadow the parameters).
        return new FloatPointer() {
            {
                address = where;
                limit = count;
                capacity = count;
            }
        };
    }
}
