package io.sparksweep.core.spec;

import java.util.Objects;

/**
 * Which MNIST-format data set a sweep trains on, and how it is split and scaled.
 *
 * @param name            {@code fashion-mnist}, {@code mnist}, or any name for another MNIST-format IDX set
 * @param location        a folder with {@code train-images-idx3-ubyte[.gz]} and its three siblings
 * @param validationSplit the share of the training set held out for validation, in (0, 1); seeded by the sweep
 * @param normalization   how pixels are scaled
 * @param trainLimit      use only the first N training images (0: all); for quick sweeps on a slice
 * @param testLimit       use only the first N test images (0: all)
 * @param classes         the classes' names in label order, for reports (empty: Fashion-MNIST's for that set, else the digits)
 */
public record DatasetSpec(String name, String location, double validationSplit, Normalization normalization,
                          int trainLimit, int testLimit, java.util.List<String> classes) implements java.io.Serializable {

    /** Fashion-MNIST's ten classes, in label order. */
    public static final java.util.List<String> FASHION_MNIST_CLASSES = java.util.List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final String DEFAULT_LOCATION = "/usr/share/datasets/fashion-mnist";

    public DatasetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(normalization, "normalization");
        if (!(validationSplit > 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validationSplit must be in (0, 1), found " + validationSplit);
        }
        classes = java.util.List.copyOf(classes);
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("limits must be >= 0, found " + trainLimit + " and " + testLimit);
        }
    }

    public DatasetSpec(String name, String location, double validationSplit, Normalization normalization, int trainLimit, int testLimit) {
        this(name, location, validationSplit, normalization, trainLimit, testLimit, java.util.List.of());
    }

    /** The classes' names: the file's, else Fashion-MNIST's for that set, else the digits 0 to 9. */
    public java.util.List<String> classNames() {
        if (!classes.isEmpty()) {
            return classes;
        }
        return name.equals("fashion-mnist") ? FASHION_MNIST_CLASSES : java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    /** A stable text form, part of every trial's id (the class names are not: they change no result). */
    public String canonical() {
        return name + "@" + location + ";val=" + validationSplit + ";norm=" + normalization.key()
                + ";train=" + trainLimit + ";test=" + testLimit;
    }
}
