package io.sparksweep.core.data;

/** A file that is not a usable MNIST-format IDX file; the message names the file and what was wrong. */
public final class IdxFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
