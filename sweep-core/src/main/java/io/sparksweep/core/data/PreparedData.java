package io.sparksweep.core.data;

import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Normalization;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Random;

/**
 * A data set ready for training, with a validation split held out of the training set by the sweep
 * seed, so that every trial of a sweep sees the same split: validation and test images normalised once
 * into float matrices (one row per image) for evaluation, training images kept as bytes and normalised
 * as each batch is gathered ({@link TrainBatches}). Read-only after construction and shared by the
 * trials of one JVM.
 */
public final class PreparedData {

    private final ImageSet trainImages;
    private final int[] trainRows;
    private final int[] trainLabels;
    private final float[] scale;
    private final boolean cpuMemory;
    private final INDArray valX;
    private final INDArray valY;
    private final INDArray testX;
    private final INDArray testY;
    private final int[] valLabels;
    private final int[] testLabels;

    private PreparedData(ImageSet trainImages, int[] trainRows, int[] trainLabels, float[] scale, boolean cpuMemory,
                         INDArray valX, INDArray valY, int[] valLabels, INDArray testX, INDArray testY, int[] testLabels) {
        this.trainImages = trainImages;
        this.trainRows = trainRows;
        this.trainLabels = trainLabels;
        this.scale = scale;
        this.cpuMemory = cpuMemory;
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
        float[] scale = scale(spec.normalization());
        boolean cpuMemory = Nd4j.getEnvironment().isCPU();
        int[] valLabels = labels(train, valRows);
        int[] testLabels = labels(test, allTest);
        return new PreparedData(train, trainRows, labels(train, trainRows), scale, cpuMemory,
                features(train, valRows, scale, cpuMemory), oneHot(valLabels), valLabels,
                features(test, allTest, scale, cpuMemory), oneHot(testLabels), testLabels);
    }

    /**
     * The data of a refit: every training image (within {@code train_limit}) for training, nothing held out;
     * the test set stands in for the validation split, so each epoch's validation figures are the test set's.
     */
    public static PreparedData prepareAll(MnistData data, DatasetSpec spec) {
        ImageSet train = data.train().head(spec.trainLimit());
        ImageSet test = data.test().head(spec.testLimit());
        int[] allTrain = java.util.stream.IntStream.range(0, train.size()).toArray();
        int[] allTest = java.util.stream.IntStream.range(0, test.size()).toArray();
        float[] scale = scale(spec.normalization());
        boolean cpuMemory = Nd4j.getEnvironment().isCPU();
        int[] testLabels = labels(test, allTest);
        INDArray testX = features(test, allTest, scale, cpuMemory);
        INDArray testY = oneHot(testLabels);
        return new PreparedData(train, allTrain, labels(train, allTrain), scale, cpuMemory, testX, testY, testLabels, testX, testY, testLabels);
    }

    /** The network input of each pixel value. */
    static float[] scale(Normalization norm) {
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) {
            table[v] = norm.apply(v);
        }
        return table;
    }

    /** A seeded Fisher-Yates permutation of 0..n-1. */
    public static int[] permutation(int n, Random random) {
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

    private static INDArray features(ImageSet set, int[] rows, float[] scale, boolean cpuMemory) {
        return features(set, rows, scale, Math.max(1, CHUNK_FLOATS / set.pixelsPerImage()), cpuMemory);
    }

    /**
     * The rows' pixels through {@code scale}, written into a native matrix a chunk of rows at a time.
     * Building the whole matrix on the heap first and handing it to {@code Nd4j.create(float[])} took
     * 0.85 s for 54,000 images (ND4J copies element by element), and a 170 MB heap array cost as much
     * again in page faults and collections; a chunk and one bulk copy per chunk take a fraction of that.
     */
    static INDArray features(ImageSet set, int[] rows, float[] scale, int chunkRows, boolean cpuMemory) {
        int width = set.pixelsPerImage();
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            out = Nd4j.createUninitialized(DataType.FLOAT, rows.length, width);
        }
        float[] chunk = new float[Math.min(rows.length, chunkRows) * width];
        for (int first = 0; first < rows.length; first += chunkRows) {
            int count = Math.min(chunkRows, rows.length - first);
            for (int r = 0; r < count; r++) {
                set.mapImage(rows[first + r], scale, chunk, r * width);
            }
            writeRows(out, first, count, chunk, cpuMemory);
        }
        return out;
    }

    /**
     * Copies {@code count} rows from {@code rows} into the row-major matrix {@code target} from row
     * {@code first}: on the CPU backend ({@code cpuMemory}) one copy into its memory; other backends (CUDA)
     * keep a device copy that only ND4J's own operations keep in step, so there ND4J assigns them.
     */
    private static void writeRows(INDArray target, int first, int count, float[] rows, boolean cpuMemory) {
        long width = target.columns();
        if (cpuMemory) {
            new FloatPointer(target.data().pointer()).position(target.offset() + first * width).put(rows, 0, (int) (count * width));
        } else {
            INDArray block = Nd4j.create(java.util.Arrays.copyOf(rows, (int) (count * width)), new long[]{count, width}, 'c');
            target.get(NDArrayIndex.interval(first, first + count), NDArrayIndex.all()).assign(block);
        }
    }

    /** A trial's training batches of {@code batchSize} images (the last of an epoch may be shorter). */
    public TrainBatches batches(int batchSize) {
        return new TrainBatches(batchSize);
    }

    /**
     * One trial's batch arrays, filled again for every batch: a fresh ND4J array outside DL4J's workspaces
     * costs more than the gather (0.3-0.7 ms for a 64x784 batch, against 0.02 ms to fill one). The
     * training images stay bytes (Fashion-MNIST's 54,000 take 42 MB; as floats 170 MB, whose first touch
     * alone cost ~0.6 s on the machine measured); a batch is normalised as it is copied, which costs what
     * copying its floats did.
     */
    public final class TrainBatches {

        private final int batchSize;
        private final DataSet full;
        private final DataSet last;
        private final float[] features;
        private final float[] labels;

        private TrainBatches(int batchSize) {
            int n = trainRows.length;
            int width = trainImages.pixelsPerImage();
            this.batchSize = batchSize;
            this.full = arrays(batchSize, width);
            this.last = n % batchSize == 0 ? full : arrays(n % batchSize, width);
            this.features = new float[batchSize * width];
            this.labels = new float[batchSize * 10];
        }

        private static DataSet arrays(int rows, int width) {
            return new DataSet(Nd4j.create(DataType.FLOAT, rows, width), Nd4j.create(DataType.FLOAT, rows, 10));
        }

        /**
         * The batch that starts at {@code from} (a multiple of the batch size) in the epoch's order of the
         * training split: those images, normalised, with their one-hot labels. The returned arrays are this
         * object's, overwritten by the next call.
         */
        public DataSet gather(int[] order, int from) {
            int count = Math.min(batchSize, trainRows.length - from);
            DataSet batch = count == batchSize ? full : last;
            int width = trainImages.pixelsPerImage();
            java.util.Arrays.fill(labels, 0, count * 10, 0f);
            for (int r = 0; r < count; r++) {
                int row = order[from + r];
                trainImages.mapImage(trainRows[row], scale, features, r * width);
                labels[r * 10 + trainLabels[row]] = 1f;
            }
            writeRows(batch.getFeatures(), 0, count, features, cpuMemory);
            writeRows(batch.getLabels(), 0, count, labels, cpuMemory);
            return batch;
        }
    }

    private static INDArray oneHot(int[] labels) {
        float[] flat = new float[labels.length * 10];
        for (int r = 0; r < labels.length; r++) {
            flat[r * 10 + labels[r]] = 1f;
        }
        return Nd4j.create(flat, new long[]{labels.length, 10}, 'c');
    }

    /** The rows' labels, each checked to be a class 0..9. */
    private static int[] labels(ImageSet set, int[] rows) {
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = set.label(rows[r]);
            if (out[r] > 9) {
                throw new IllegalArgumentException("label " + out[r] + " of image " + rows[r] + " is outside 0..9");
            }
        }
        return out;
    }

    public int trainSize() {
        return trainRows.length;
    }

    public int valSize() {
        return (int) valX.rows();
    }

    public int testSize() {
        return (int) testX.rows();
    }

    public INDArray valX() {
        return valX;
    }

    public INDArray valY() {
        return valY;
    }

    public int[] valLabels() {
        return valLabels;
    }

    public INDArray testX() {
        return testX;
    }

    public INDArray testY() {
        return testY;
    }

    public int[] testLabels() {
        return testLabels;
    }
}
