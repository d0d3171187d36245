package io.sparksweep.core.fastpath;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test images of uniform pixels from {@link Random}: the same numbers in every run. ND4J's generator,
 * reseeded with the same seed, gave other numbers later in the same JVM, and the tests that train the fast
 * path beside DL4J compare to 1e-4, which a ReLU flipped by rounding (an input within rounding of 0 in one
 * engine and not the other) exceeds a few steps on: with such data a test failed now and then (in CI
 * too) for no fault of either engine.
 */
final class TestImages {

    private TestImages() {
    }

    /** A [rows, columns] float array of pixels uniform in [low, high). */
    static INDArray uniform(long seed, int rows, int columns, float low, float high) {
        Random random = new Random(seed);
        float[] pixels = new float[rows * columns];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = low + random.nextFloat() * (high - low);
        }
        return Nd4j.createFromArray(pixels).reshape(rows, columns);
    }
}
