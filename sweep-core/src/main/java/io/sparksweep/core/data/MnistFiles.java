package io.sparksweep.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The four files of an MNIST-format data set in one folder, each raw or gzipped:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}.
 */
public record MnistFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

    public static final List<String> BASE_NAMES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** Finds the four files in {@code dir}, or throws naming every one that is missing. */
    public static MnistFiles locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IdxFormatException(dir + ": is not a folder (expected one holding " + String.join(", ", BASE_NAMES)
                    + ", each raw or .gz" + debianHint(dir) + ")");
        }
        List<String> names = fileNames(dir.toString(), name -> Files.isRegularFile(dir.resolve(name)));
        return new MnistFiles(dir.resolve(names.get(0)), dir.resolve(names.get(1)), dir.resolve(names.get(2)), dir.resolve(names.get(3)));
    }

    /**
     * The names of the four files in a folder of any file system, each {@code BASE.gz} or else {@code BASE},
     * in {@link #BASE_NAMES} order; throws naming every one that is missing.
     *
     * @param dir    the folder, for the message
     * @param exists whether a file of that name is in the folder
     */
    public static List<String> fileNames(String dir, Predicate<String> exists) {
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String base : BASE_NAMES) {
            if (exists.test(base + ".gz")) {
                found.add(base + ".gz");
            } else if (exists.test(base)) {
                found.add(base);
            } else {
                missing.add(base + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new IdxFormatException(dir + ": lacks " + String.join(", ", missing) + debianHint(Path.of(dir)));
        }
        return found;
    }

    /**
     * Checks all four files without keeping them: magic numbers, full lengths, image and label counts that
     * agree, 28x28 images and labels from 0 to 9 ({@link DataChecks}). Returns one message per problem (empty
     * when the set is usable).
     */
    public static List<String> check(Path dir) {
        MnistFiles files;
        try {
            files = locate(dir);
        } catch (IdxFormatException e) {
            return List.of(e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        IdxReader.Header[] h = new IdxReader.Header[4];
        Path[] paths = {files.trainImages, files.trainLabels, files.testImages, files.testLabels};
        int[] magic = {IdxReader.IMAGES_MAGIC, IdxReader.LABELS_MAGIC, IdxReader.IMAGES_MAGIC, IdxReader.LABELS_MAGIC};
        for (int i = 0; i < 4; i++) {
            try {
                h[i] = IdxReader.inspect(paths[i]);
                if (h[i].magic() != magic[i]) {
                    problems.add(paths[i] + ": magic number 0x" + String.format("%08x", h[i].magic()) + " where 0x"
                            + String.format("%08x", magic[i]) + " (" + (magic[i] == IdxReader.IMAGES_MAGIC ? "images" : "labels") + ") belongs");
                    h[i] = null;
                } else if (magic[i] == IdxReader.IMAGES_MAGIC) {
                    String shape = DataChecks.shape(paths[i].toString(), h[i].rows(), h[i].cols());
                    if (shape != null) {
                        problems.add(shape);
                    }
                    if (h[i].count() == 0) {
                        problems.add(paths[i] + ": holds no images");
                    }
                } else {
                    String range = DataChecks.labels(paths[i].toString(), IdxReader.payload(paths[i]));
                    if (range != null) {
                        problems.add(range);
                    }
                }
            } catch (IdxFormatException e) {
                problems.add(e.getMessage());
            }
        }
        for (int i = 0; i < 4; i += 2) {
            if (h[i] != null && h[i + 1] != null && h[i].count() != h[i + 1].count()) {
                problems.add(paths[i] + ": holds " + h[i].count() + " images but " + paths[i + 1].getFileName()
                        + " holds " + h[i + 1].count() + " labels");
            }
        }
        return problems;
    }

    private static String debianHint(Path dir) {
        return dir.toString().startsWith("/usr/share/datasets/")
                ? "; on Debian: apt-get install dataset-" + dir.getFileName()
                : "";
    }
}
