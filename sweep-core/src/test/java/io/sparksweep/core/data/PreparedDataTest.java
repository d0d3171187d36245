package io.sparksweep.core.data;

import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

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
            for (int chunkRows : new int[]{1, 3, 4, 11, 100}) {
                INDArray x = PreparedData.features(set, rows, PreparedData.scale(norm), chunkRows, Nd4j.getEnvironment().isCPU());
                assertEquals(DataType.FLOAT, x.dataType());
                assertArrayEquals(new long[]{rows.length, 784}, x.shape());
                assertArrayEquals(normalised(set, rows, norm), x.data().asFloat(), 0f, norm + ", chunks of " + chunkRows + " rows");
            }
        }
    }

    @Test
    void gatheredBatchesAreTheChosenTrainingImagesNormalisedWithTheirLabelsOnly() throws IOException {
        MnistData data = MnistData.load(SyntheticMnist.write(dir, 100, 20, 6));
        DatasetSpec spec = new DatasetSpec("synthetic", dir.toString(), 0.2, Normalization.TUTORIAL, 0, 0);
        PreparedData p = PreparedData.prepare(data, spec, 3);
        int[] order = PreparedData.permutation(p.trainSize(), new java.util.Random(9));
        PreparedData.TrainBatches batches = p.batches(24);
        int[] images = trainingImages(p, data.train(), Normalization.TUTORIAL);
        for (int from : new int[]{0, 24, 72}) {
            int count = Math.min(24, p.trainSize() - from);
            DataSet batch = batches.gather(order, from);
            INDArray bx = batch.getFeatures();
            INDArray by = batch.getLabels();
            assertEquals(count, bx.rows());
            int[] chosen = IntStream.range(from, from + count).map(i -> images[order[i]]).toArray();
            assertArrayEquals(normalised(data.train(), chosen, Normalization.TUTORIAL), bx.data().asFloat(), 0f, "batch from " + from);
            for (int r = 0; r < count; r++) {
                float[] oneHot = new float[10];
                oneHot[data.train().label(chosen[r])] = 1f;
                assertArrayEquals(oneHot, by.getRow(r).toFloatVector(), 0f, "labels of batch from " + from + ", row " + r);
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
        assertArrayEquals(trainingImages(a, data.train(), Normalization.UNIT), trainingImages(b, data.train(), Normalization.UNIT));
        // Each validation row is a training image with its own label; none is also trained on.
        int[] valImages = IntStream.range(0, a.valSize()).map(r -> imageOf(data.train(), a.valX().getRow(r).toFloatVector(), Normalization.UNIT)).toArray();
        int[] trainImages = trainingImages(a, data.train(), Normalization.UNIT);
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

    /** The training file's image at each position of the training split, found by gathering the whole split. */
    private static int[] trainingImages(PreparedData p, ImageSet set, Normalization norm) {
        int n = p.trainSize();
        INDArray x = p.batches(n).gather(IntStream.range(0, n).toArray(), 0).getFeatures();
        return IntStream.range(0, n).map(r -> imageOf(set, x.getRow(r).toFloatVector(), norm)).toArray();
    }

    private static float[] normalised(ImageSet set, int[] rows, Normalization norm) {
        float[] out = new float[rows.length * 784];
        for (int r = 0; r < rows.length; r++) {
            for (int p = 0; p < 784; p++) {
                out[r * 784 + p] = norm.apply(set.pixel(rows[r], p));
            }
        }
        return out;
    }

    /** The image whose normalised pixels are {@code row}; the synthetic images are all distinct. */
    private static int imageOf(ImageSet set, float[] row, Normalization norm) {
        for (int i = 0; i < set.size(); i++) {
            boolean same = true;
            for (int p = 0; p < row.length && same; p++) {
                same = norm.apply(set.pixel(i, p)) == row[p];
            }
            if (same) {
                return i;
            }
        }
        throw new AssertionError("row matches no image");
    }
}
