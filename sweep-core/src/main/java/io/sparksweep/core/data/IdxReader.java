package io.sparksweep.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST-format IDX files (raw or gzip): unsigned-byte labels (magic 0x00000801) and
 * unsigned-byte images (magic 0x00000803). Every failure names the file and what was found.
 */
public final class IdxReader {

    static final int LABELS_MAGIC = 0x00000801;
    static final int IMAGES_MAGIC = 0x00000803;

    private IdxReader() {
    }

    /** The header of an IDX file, after checking that the payload really has that many bytes. */
    public record Header(int magic, int count, int rows, int cols) {
        long payloadBytes() {
            return (long) count * rows * cols;
        }
    }

    /** Reads the header and streams through the payload, checking its length without keeping it. */
    public static Header inspect(Path file) {
        try (DataInputStream in = open(file)) {
            Header h = header(file.toString(), in);
            in.skipNBytes(h.payloadBytes());
            return h;
        } catch (EOFException e) {
            throw truncated(file.toString());
        } catch (IOException e) {
            throw new IdxFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** A local file's payload after its header (a label file's labels), read whole. */
    static byte[] payload(Path file) {
        try (DataInputStream in = open(file)) {
            return payload(file.toString(), in, header(file.toString(), in));
        } catch (IOException e) {
            throw new IdxFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** A file's header and payload. */
    public record Content(Header header, byte[] payload) {
    }

    /**
     * Reads one file of the kind {@code magic} from any stream (a local file or a Hadoop file system;
     * gzip is detected from the content) in one pass, passing every byte of the stream, as stored, to
     * {@code digest}: the payload lands in its final array with no copy of the file kept beside it.
     */
    public static Content read(String name, InputStream raw, int magic, MessageDigest digest) throws IOException {
        DigestInputStream digested = new DigestInputStream(raw, digest);
        DataInputStream in = wrap(digested);
        Header h = header(name, in);
        if (h.magic != magic) {
            String kind = magic == LABELS_MAGIC ? "a label file's" : "an image file's";
            throw new IdxFormatException(name + ": magic number 0x" + hex(h.magic) + " is not " + kind + " (0x" + hex(magic) + ")");
        }
        byte[] payload = payload(name, in, h);
        // The hash names the whole file, also any bytes after the payload that the reader did not need.
        digested.transferTo(OutputStream.nullOutputStream());
        return new Content(h, payload);
    }

    /** The images of {@code images}, checked against their labels' count. */
    public static ImageSet imageSet(String name, Content images, byte[] labels) {
        Header h = images.header();
        if (h.count != labels.length) {
            throw new IdxFormatException(name + ": holds " + h.count + " images but its label file holds " + labels.length + " labels");
        }
        return new ImageSet(images.payload(), labels, h.rows, h.cols);
    }

    private static DataInputStream open(Path file) throws IOException {
        return wrap(Files.newInputStream(file));
    }

    private static DataInputStream wrap(InputStream raw) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
        b.mark(2);
        int b0 = b.read();
        int b1 = b.read();
        b.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16) : b);
    }

    private static Header header(String name, DataInputStream in) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(name + ": is empty or shorter than an IDX header (4 bytes)");
        }
        if (magic != LABELS_MAGIC && magic != IMAGES_MAGIC) {
            throw new IdxFormatException(name + ": magic number 0x" + hex(magic) + " is not an MNIST-format IDX file's (0x"
                    + hex(LABELS_MAGIC) + " for labels, 0x" + hex(IMAGES_MAGIC) + " for images)");
        }
        try {
            int count = in.readInt();
            int rows = magic == IMAGES_MAGIC ? in.readInt() : 1;
            int cols = magic == IMAGES_MAGIC ? in.readInt() : 1;
            if (count < 0 || rows < 1 || cols < 1 || (long) rows * cols > 1 << 20) {
                throw new IdxFormatException(name + ": header has impossible sizes (count " + count + ", " + rows + "x" + cols + ")");
            }
            return new Header(magic, count, rows, cols);
        } catch (EOFException e) {
            throw truncated(name);
        }
    }

    private static byte[] payload(String name, DataInputStream in, Header h) throws IOException {
        if (h.payloadBytes() > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(name + ": " + h.payloadBytes() + " bytes of data are more than one array can hold");
        }
        byte[] data = new byte[(int) h.payloadBytes()];
        try {
            in.readFully(data);
        } catch (EOFException e) {
            throw truncated(name);
        }
        return data;
    }

    private static IdxFormatException truncated(String name) {
        return new IdxFormatException(name + ": is truncated: it ends before the sizes in its header say");
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
