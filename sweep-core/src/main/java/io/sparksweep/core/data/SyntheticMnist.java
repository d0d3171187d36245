package io.sparksweep.core.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small MNIST-format data set that a tiny network learns in one epoch: class k is a bright
 * band at rows 2k+3..2k+5 over seeded noise. Used by the tests of both modules and by
 * {@code sparksweep check}.
 */
public final class SyntheticMnist {

    private SyntheticMnist() {
    }

    /** Writes the four gzipped files into {@code dir} and returns it. */
    public static Path write(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        writeSplit(dir, "train", train, random);
        writeSplit(dir, "t10k", test, random);
        return dir;
    }

    private static void writeSplit(Path dir, String prefix, int n, Random random) throws IOException {
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(10);
            labels[i] = (byte) k;
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    boolean band = r >= 2 * k + 3 && r <= 2 * k + 5 && c >= 4 && c < 24;
                    int v = band ? 180 + random.nextInt(76) : random.nextInt(60);
                    pixels[i * 784 + r * 28 + c] = (byte) v;
                }
            }
        }
        writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxReader.LABELS_MAGIC, new int[]{n}, labels);
        writeIdx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxReader.IMAGES_MAGIC, new int[]{n, 28, 28}, pixels);
    }

    /** Writes one gzipped IDX file with the given magic number and sizes. */
    public static void writeIdx(Path file, int magic, int[] dims, byte[] payload) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(payload);
        }
    }
}
