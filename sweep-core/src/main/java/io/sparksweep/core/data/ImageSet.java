package io.sparksweep.core.data;

import java.util.Objects;

/**
 * Images and labels held compactly as unsigned bytes (Fashion-MNIST's 70,000 images take 55 MB),
 * read once and never re-parsed. {@code PreparedData} normalises the validation and test images into
 * float matrices once, and training images as each batch is gathered.
 */
public final class ImageSet {

    private final byte[] pixels;
    private final byte[] labels;
    private final int rows;
    private final int cols;

    public ImageSet(byte[] pixels, byte[] labels, int rows, int cols) {
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (rows < 1 || cols < 1 || (long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels (" + pixels.length + " bytes) do not match " + labels.length
                    + " images of " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
    }

    public int size() {
        return labels.length;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    /** Writes image {@code i} through {@code table} (one entry per pixel value) into {@code out} from {@code offset}. */
    public void mapImage(int i, float[] table, float[] out, int offset) {
        int width = pixelsPerImage();
        int base = i * width;
        for (int p = 0; p < width; p++) {
            out[offset + p] = table[pixels[base + p] & 0xFF];
        }
    }

    /** Pixel {@code p} of image {@code i}, 0..255. */
    public int pixel(int i, int p) {
        return pixels[i * pixelsPerImage() + p] & 0xFF;
    }

    /** The labels as stored (unsigned bytes), for checks; not to be changed. */
    byte[] labelBytes() {
        return labels;
    }

    public int label(int i) {
        return labels[i] & 0xFF;
    }

    /** The first {@code n} images (or all when {@code n} is 0 or larger than the set), sharing nothing mutable. */
    public ImageSet head(int n) {
        if (n <= 0 || n >= size()) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, n * pixelsPerImage());
        byte[] l = java.util.Arrays.copyOf(labels, n);
        return new ImageSet(p, l, rows, cols);
    }
}
