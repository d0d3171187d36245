package io.sparksweep.core.spec;

/** How 8-bit pixels become network inputs, through a table of the 256 values: once per data set for evaluation, as each training batch is gathered. */
public enum Normalization {
    /** The tutorial's {@code ToTensor()} then {@code Normalize((0.5,), (0.5,))}: {@code (x/255 - 0.5) / 0.5}, in [-1, 1]. */
    TUTORIAL("tutorial"),
    /** {@code x / 255}, in [0, 1]. */
    UNIT("unit");

    private final String key;

    Normalization(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public float apply(int pixel) {
        float unit = pixel / 255f;
        return this == TUTORIAL ? (unit - 0.5f) / 0.5f : unit;
    }
}
