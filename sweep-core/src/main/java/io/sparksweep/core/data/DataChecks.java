package io.sparksweep.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What the engine's networks need of a data set, checked once before any trial starts (on the files when
 * the sweep file is read, or on the data the driver loads from another file system): 28x28 images, and
 * every label a class from 0 to 9. Each message names the file, what was found and what is expected.
 */
public final class DataChecks {

    public static final int SIDE = 28;
    public static final int CLASSES = 10;

    private DataChecks() {
    }

    /** The problem with images of {@code rows} x {@code cols} in {@code file}, or null. */
    static String shape(String file, int rows, int cols) {
        if (rows == SIDE && cols == SIDE) {
            return null;
        }
        return file + ": images are " + rows + "x" + cols + "; expected " + SIDE + "x" + SIDE
                + " (the networks take Fashion-MNIST's image size)";
    }

    /** The problem with the labels of {@code file} ({@code labels} as stored, unsigned bytes), or null. */
    static String labels(String file, byte[] labels) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) >= CLASSES) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        return file + ": " + bad + (bad == 1 ? " label is" : " labels are") + " outside 0-9 (the first: " + (labels[first] & 0xFF)
                + " at index " + first + "); expected classes 0 to " + (CLASSES - 1);
    }

    /** The problems of a data set in memory, by its files' names: shapes, label ranges and empty sets. */
    public static List<String> problems(MnistData data, List<String> fileNames) {
        List<String> out = new ArrayList<>();
        ImageSet[] sets = {data.train(), data.test()};
        for (int s = 0; s < 2; s++) {
            String images = fileNames.get(2 * s);
            String labels = fileNames.get(2 * s + 1);
            String shape = shape(images, sets[s].rows(), sets[s].cols());
            if (shape != null) {
                out.add(shape);
            }
            String range = labels(labels, sets[s].labelBytes());
            if (range != null) {
                out.add(range);
            }
            if (sets[s].size() == 0) {
                out.add(images + ": holds no images");
            }
        }
        return out;
    }
}
