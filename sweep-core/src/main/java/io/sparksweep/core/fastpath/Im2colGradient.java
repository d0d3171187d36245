package io.sparksweep.core.fastpath;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A first convolution layer's weight and bias gradients where the Vector API's ({@link VectorConvolution})
 * do not run: per image, im2col into reused buffers and one OpenBLAS product of dy with the patches; the
 * bias's gradient is libnd4j's sum of dy. {@link ReusingConvolutionLayer} keeps one per layer.
 */
final class Im2colGradient {

    private float[] patches = new float[0];
    private float[] image = new float[0];
    private FloatPointer patchesNative;
    private INDArray patchesArray;

    /** The weight and bias gradients of NCHW x and dy into the layer's gradient views. */
    void compute(INDArray x, INDArray dy, INDArray weightGrad, INDArray biasGrad, int n, int ic, int h, int w,
                 int oc, int ho, int wo, int kh, int kw, int ph, int pw, boolean hasBias) {
        int k = ic * kh * kw;
        int positions = ho * wo;
        if (patches.length < positions * k) {
            patches = new float[positions * k];
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                patchesArray = Nd4j.create(DataType.FLOAT, positions, k);
            }
            patchesNative = NativeFloats.pointer(patchesArray);
        }
        if (image.length < ic * h * w) {
            image = new float[ic * h * w];
        }
        FloatPointer dW = NativeFloats.pointer(weightGrad);
        FloatBuffer xs = NativeFloats.buffer(x);
        FloatPointer dys = NativeFloats.pointer(dy);
        for (int img = 0; img < n; img++) {
            xs.get(img * ic * h * w, image, 0, ic * h * w);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    int row = (i * wo + j) * k;
                    for (int c = 0; c < ic; c++) {
                        for (int a = 0; a < kh; a++) {
                            int y = i + a - ph;
                            for (int b = 0; b < kw; b++) {
                                int xx = j + b - pw;
                                patches[row + (c * kh + a) * kw + b] = y >= 0 && y < h && xx >= 0 && xx < w
                                        ? image[(c * h + y) * w + xx] : 0f;
                            }
                        }
                    }
                }
            }
            patchesNative.put(patches, 0, positions * k);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, oc, k, positions, 1f,
                    NativeFloats.at(dys.address() + (long) img * oc * positions * Float.BYTES, (long) oc * positions), positions,
                    patchesNative, k, img == 0 ? 0f : 1f, dW, k);
        }
        if (hasBias) {
            dy.reshape(n, oc, positions).sum(biasGrad.reshape(oc), 0, 2);
        }
    }
}
