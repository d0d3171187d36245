package io.sparksweep.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A whole MNIST-format data set in memory: training and test images, and a hash of the four files'
 * bytes that names this exact content (the executors' cache key). Loaded once per JVM.
 */
public record MnistData(ImageSet train, ImageSet test, String contentSha256, List<String> files) {

    public MnistData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(contentSha256, "contentSha256");
        files = List.copyOf(files);
        if (files.size() != 4) {
            throw new IllegalArgumentException("a data set has four files, found " + files);
        }
        if (train.pixelsPerImage() != test.pixelsPerImage()) {
            throw new IdxFormatException("training images are " + train.rows() + "x" + train.cols()
                    + " but test images are " + test.rows() + "x" + test.cols());
        }
    }

    /** A data set whose files go by their base names. */
    public MnistData(ImageSet train, ImageSet test, String contentSha256) {
        this(train, test, contentSha256, MnistFiles.BASE_NAMES);
    }

    /** What makes this set unusable for the engine's networks, by file (empty when nothing does). */
    public List<String> problems() {
        return DataChecks.problems(this, files);
    }

    /** Reads the four files of {@code dir} (see {@link MnistFiles}). */
    public static MnistData load(Path dir) {
        MnistFiles f = MnistFiles.locate(dir);
        Path[] paths = {f.trainImages(), f.trainLabels(), f.testImages(), f.testLabels()};
        return load(new FileOpener() {
            @Override
            public InputStream open(int which) throws IOException {
                return Files.newInputStream(paths[which]);
            }

            @Override
            public String name(int which) {
                return paths[which].toString();
            }
        });
    }

    /** Opens the four files by index: 0 train images, 1 train labels, 2 test images, 3 test labels. */
    public interface FileOpener {
        InputStream open(int which) throws IOException;

        String name(int which);
    }

    /** Reads the four files from any source, such as a Hadoop file system. */
    public static MnistData load(FileOpener opener) {
        MessageDigest digest = Sha256.digest();
        try {
            // In file order, so that the hash is SHA-256 of the four files' bytes one after the other.
            IdxReader.Content[] files = new IdxReader.Content[4];
            int[] magic = {IdxReader.IMAGES_MAGIC, IdxReader.LABELS_MAGIC, IdxReader.IMAGES_MAGIC, IdxReader.LABELS_MAGIC};
            for (int i = 0; i < 4; i++) {
                try (InputStream in = opener.open(i)) {
                    files[i] = IdxReader.read(opener.name(i), in, magic[i], digest);
                }
            }
            ImageSet train = IdxReader.imageSet(opener.name(0), files[0], files[1].payload());
            ImageSet test = IdxReader.imageSet(opener.name(2), files[2], files[3].payload());
            List<String> names = List.of(opener.name(0), opener.name(1), opener.name(2), opener.name(3));
            return new MnistData(train, test, HexFormat.of().formatHex(digest.digest()), names);
        } catch (IOException e) {
            throw new IdxFormatException("cannot read data set: " + e.getMessage(), e);
        }
    }
}
