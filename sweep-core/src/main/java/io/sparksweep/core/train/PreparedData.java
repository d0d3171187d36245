package io.sparksweep.core.train;

import io.sparksweep.core.data.ImageSet;
import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Normalization;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * A data set ready for training: normalised once into float matrices (one row per image), with a
 * validation split held out of the training set by the sweep seed, so that every trial of a sweep
 * sees the same split. Read-only after construction and shared by the trials of one JVM.
 */
public final class PreparedData {

    private final INDArray trainX;
    private final INDArray trainY;
    private final INDArray valX;
    private final INDArray valY;
    private final INDArray testX;
    private final INDArray testY;
    private final int[] valLabels;
    private final int[] testLabels;

    private PreparedData(INDArray trainX, INDArray trainY, INDArray valX, INDArray valY, int[] valLabels,
                         INDArray testX, INDArray testY, int[] testLabels) {
        this.trainX = trainX;
        this.trainY = trainY;
        this.valX = valX;
        this.valY = valY;
        this.valLabels = valLabels;
        this.testX = testX;
        this.testY = testY;
        this.testLabels = testLabels;
    }

    /** Cache key: the same content, split and scaling give the same prepared data. */
    public static String key(MnistData data, DatasetSpec spec, long sweepSeed) {
        return data.contentSha256() + "|" + spec.canonical() + "|" + sweepSeed;
    }

    public static PreparedData prepare(MnistData data, DatasetSpec spec, long sweepSeed) {
        ImageSet train = data.train().head(spec.trainLimit());
        ImageSet test = data.test().head(spec.testLimit());
        int n = train.size();
        int valCount = (int) Math.round(n * spec.validationSplit());
        if (valCount < 1 || valCount >= n) {
            throw new IllegalArgumentException("validation_split " + spec.validationSplit() + " of " + n
                    + " training images leaves " + valCount + " for validation and " + (n - valCount) + " for training; both need at least 1");
        }
        int[] order = permutation(n, new Random(sweepSeed));
        int[] valRows = java.util.Arrays.copyOfRange(order, 0, valCount);
        int[] trainRows = java.util.Arrays.copyOfRange(order, valCount, n);
        java.util.Arrays.sort(valRows);
        java.util.Arrays.sort(trainRows);
        int[] allTest = new int[test.size()];
        for (int i = 0; i < allTest.length; i++) {
            allTest[i] = i;
        }
        Normalization norm = spec.normalization();
        return new PreparedData(
                features(train, trainRows, norm), oneHot(train, trainRows),
                features(train, valRows, norm), oneHot(train, valRows), labels(train, valRows),
                features(test, allTest, norm), oneHot(test, allTest), labels(test, allTest));
    }

    /** A seeded Fisher-Yates permutation of 0..n-1. */
    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Rows normalised per copy into the native matrix: 4 MB of floats for 784-pixel images. */
    static final int CHUNK_FLOATS = 1 << 20;

    private static INDArray features(ImageSet set, int[] rows, Normalization norm) {
        return features(set, rows, norm, Math.max(1, CHUNK_FLOATS / set.pixelsPerImage()));
    }

    /**
     * The rows' pixels through {@code norm}, written into a native matrix a chunk of rows at a time.
     * Building the whole matrix on the heap first and handing it to {@code Nd4j.create(float[])} took
     * 0.85 s for the 54,000 training images (ND4J copies element by element), and the 170 MB array on a
     * 1 GB heap cost as much again in page faults and collections; a chunk and one bulk copy per chunk
     * take a fraction of that.
     */
    static INDArray features(ImageSet set, int[] rows, Normalization norm, int chunkRows) {
        int width = set.pixelsPerImage();
        float[] lookup = new float[256];
        for (int v = 0; v < 256; v++) {
            lookup[v] = norm.apply(v);
        }
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            out = Nd4j.createUninitialized(DataType.FLOAT, rows.length, width);
        }
        FloatPointer target = new FloatPointer(out.data().pointer());
        float[] chunk = new float[Math.min(rows.length, chunkRows) * width];
        for (int first = 0; first < rows.length; first += chunkRows) {
            int count = Math.min(chunkRows, rows.length - first);
            for (int r = 0; r < count; r++) {
                int image = rows[first + r];
                int base = r * width;
                for (int p = 0; p < width; p++) {
                    chunk[base + p] = lookup[set.pixel(image, p)];
                }
            }
            target.position((long) first * width).put(chunk, 0, count * width);
        }
        return out;
    }

    private static INDArray oneHot(ImageSet set, int[] rows) {
        float[] flat = new float[rows.length * 10];
        for (int r = 0; r < rows.length; r++) {
            int label = set.label(rows[r]);
            if (label > 9) {
                throw new IllegalArgumentException("label " + label + " of image " + rows[r] + " is outside 0..9");
            }
            flat[r * 10 + label] = 1f;
        }
        return Nd4j.create(flat, new long[]{rows.length, 10}, 'c');
    }

    private static int[] labels(ImageSet set, int[] rows) {
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = set.label(rows[r]);
        }
        return out;
    }

    public int trainSize() {
        return (int) trainX.rows();
    }

    public int valSize() {
        return (int) valX.rows();
    }

    public int testSize() {
        return (int) testX.rows();
    }

    INDArray trainX() {
        return trainX;
    }

    INDArray trainY() {
        return trainY;
    }

    INDArray valX() {
        return valX;
    }

    INDArray valY() {
        return valY;
    }

    int[] valLabels() {
        return valLabels;
    }

    INDArray testX() {
        return testX;
    }

    INDArray testY() {
        return testY;
    }

    int[] testLabels() {
        return testLabels;
    }
}
