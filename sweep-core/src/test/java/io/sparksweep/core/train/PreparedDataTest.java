package io.sparksweep.core.train;

import io.sparksweep.core.data.ImageSet;
import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreparedDataTest {

    @TempDir
    Path dir;

    @Test
    void featuresAreEveryRowsNormalisedPixelsWhateverTheChunk() throws IOException {
        ImageSet set = MnistData.load(SyntheticMnist.write(dir, 50, 10, 3)).train();
        int[] rows = {49, 0, 7, 7, 23, 11, 30, 1, 2, 48, 5};
        for (Normalization norm : Normalization.values()) {
            float[] expected = new float[rows.length * 784];
            for (int r = 0; r < rows.length; r++) {
                for (int p = 0; p < 784; p++) {
                    expected[r * 784 + p] = norm.apply(set.pixel(rows[r], p));
                }
            }
            for (int chunkRows : new int[]{1, 3, 4, 11, 100}) {
                INDArray x = PreparedData.features(set, rows, norm, chunkRows);
                assertEquals(DataType.FLOAT, x.dataType());
                assertArrayEquals(new long[]{rows.length, 784}, x.shape());
                assertArrayEquals(expected, x.data().asFloat(), 0f, norm + ", chunks of " + chunkRows + " rows");
            }
        }
    }

    @Test
    void splitHoldsOutTheSameValidationRowsForTheSameSeedAndKeepsLabelsWithTheirImages() throws IOException {
        MnistData data = MnistData.load(SyntheticMnist.write(dir, 200, 40, 5));
        DatasetSpec spec = new DatasetSpec("synthetic", dir.toString(), 0.25, Normalization.UNIT, 0, 0);
        PreparedData a = PreparedData.prepare(data, spec, 11);
        PreparedData b = PreparedData.prepare(data, spec, 11);
        assertEquals(150, a.trainSize());
        assertEquals(50, a.valSize());
        assertEquals(40, a.testSize());
        assertArrayEquals(a.valX().data().asFloat(), b.valX().data().asFloat(), 0f);
        assertArrayEquals(a.trainX().data().asFloat(), b.trainX().data().asFloat(), 0f);
        // Each validation row is a training image with its own label; none is also trained on.
        int[] valImages = IntStream.range(0, a.valSize()).map(r -> imageOf(data.train(), a.valX().getRow(r))).toArray();
        int[] trainImages = IntStream.range(0, a.trainSize()).map(r -> imageOf(data.train(), a.trainX().getRow(r))).toArray();
        for (int r = 0; r < valImages.length; r++) {
            assertEquals(data.train().label(valImages[r]), a.valLabels()[r]);
            assertEquals(1f, a.valY().getFloat(r, a.valLabels()[r]));
        }
        assertTrue(Arrays.stream(valImages).noneMatch(i -> Arrays.stream(trainImages).anyMatch(j -> j == i)));
        assertEquals(200, IntStream.concat(Arrays.stream(valImages), Arrays.stream(trainImages)).distinct().count());
        PreparedData other = PreparedData.prepare(data, spec, 12);
        assertTrue(!Arrays.equals(a.valLabels(), other.valLabels()) || !Arrays.equals(a.valX().data().asFloat(), other.valX().data().asFloat()),
                "another sweep seed holds out other rows");
    }

    /** The training image whose pixels (UNIT scaling) are this row; the synthetic images are all distinct. */
    private static int imageOf(ImageSet set, INDArray row) {
        float[] v = row.toFloatVector();
        for (int i = 0; i < set.size(); i++) {
            boolean same = true;
            for (int p = 0; p < v.length && same; p++) {
                same = Normalization.UNIT.apply(set.pixel(i, p)) == v[p];
            }
            if (same) {
                return i;
            }
        }
        throw new AssertionError("row matches no training image");
    }
}
