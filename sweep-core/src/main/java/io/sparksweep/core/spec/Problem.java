package io.sparksweep.core.spec;

import java.util.Objects;

/**
 * One thing wrong with a sweep file: where it is, what was found there and what is allowed.
 *
 * @param file    the file's name as the user gave it
 * @param path    the field path, such as {@code search.learning_rate.min}, or {@code (syntax)} with line and column
 * @param found   the value found, as written, or a description such as {@code nothing}
 * @param allowed what would have been accepted
 */
public record Problem(String file, String path, String found, String allowed) {

    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(allowed, "allowed");
    }

    /** {@code sweep.yaml: search.batch_size[0]: found 0; allowed: an integer >= 1}. */
    public String message() {
        return file + ": " + path + ": found " + found + "; allowed: " + allowed;
    }

    @Override
    public String toString() {
        return message();
    }
}
