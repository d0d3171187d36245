package io.sparksweep.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void load_gzippedSet_readsImagesAndLabels() throws IOException {
        SyntheticMnist.write(dir, 50, 20, 1);
        MnistData data = MnistData.load(dir);
        assertEquals(50, data.train().size());
        assertEquals(20, data.test().size());
        assertEquals(28, data.train().rows());
        assertEquals(64, data.contentSha256().length());
        assertTrue(MnistFiles.check(dir).isEmpty());
    }

    @Test
    void load_contentSha256_isTheHashOfTheFourFilesBytesWithAnythingAfterThePayload() throws Exception {
        SyntheticMnist.write(dir, 40, 10, 3);
        // An uncompressed label file with more bytes after its payload than the reader buffers.
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(labels))) {
            Files.write(dir.resolve("t10k-labels-idx1-ubyte"), in.readAllBytes());
        }
        Files.delete(labels);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[300_000], java.nio.file.StandardOpenOption.APPEND);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte")) {
            sha.update(Files.readAllBytes(dir.resolve(name)));
        }
        assertEquals(java.util.HexFormat.of().formatHex(sha.digest()), MnistData.load(dir).contentSha256());
    }

    @Test
    void load_rawFiles_givesSameContentAsGzip() throws IOException {
        SyntheticMnist.write(dir, 30, 10, 2);
        MnistData gz = MnistData.load(dir);
        Path raw = Files.createDirectories(dir.resolve("raw"));
        for (String base : MnistFiles.BASE_NAMES) {
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(base + ".gz")))) {
                Files.write(raw.resolve(base), in.readAllBytes());
            }
        }
        MnistData plain = MnistData.load(raw);
        for (int i = 0; i < 30; i++) {
            assertEquals(gz.train().label(i), plain.train().label(i));
            assertEquals(gz.train().pixel(i, 400), plain.train().pixel(i, 400));
        }
    }

    @Test
    void check_wrongMagic_namesFileAndMagic() throws IOException {
        SyntheticMnist.write(dir, 10, 10, 3);
        SyntheticMnist.writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x1234, new int[]{10}, new byte[10]);
        List<String> problems = MnistFiles.check(dir);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("train-labels-idx1-ubyte.gz: magic number 0x00001234 is not an MNIST-format IDX file's"), problems.get(0));
    }

    @Test
    void check_truncatedFile_saysTruncated() throws IOException {
        SyntheticMnist.write(dir, 10, 10, 4);
        Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
        byte[] whole;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(images))) {
            whole = in.readAllBytes();
        }
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(whole, 0, whole.length - 100);
        Files.delete(images);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), cut.toByteArray());
        List<String> problems = MnistFiles.check(dir);
        assertEquals(List.of(dir.resolve("t10k-images-idx3-ubyte") + ": is truncated: it ends before the sizes in its header say"), problems);
    }

    @Test
    void check_countsDisagree_namesBothCounts() throws IOException {
        SyntheticMnist.write(dir, 10, 10, 5);
        SyntheticMnist.writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, new int[]{9}, new byte[9]);
        List<String> problems = MnistFiles.check(dir);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith("train-images-idx3-ubyte.gz: holds 10 images but train-labels-idx1-ubyte.gz holds 9 labels"), problems.get(0));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistData.load(dir));
        assertTrue(e.getMessage().contains("holds 10 images but its label file holds 9 labels"), e.getMessage());
    }

    @Test
    void locate_missingFiles_listsEveryOne() throws IOException {
        Files.createDirectories(dir);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.locate(dir));
        assertEquals(dir + ": lacks train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]",
                e.getMessage());
    }
}
