package io.sparksweep.core.data;

import io.sparksweep.core.spec.SweepFileException;
import io.sparksweep.core.spec.SweepFileParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data set the networks cannot take is refused once, with the sweep file, before anything runs: images
 * that are not 28x28, labels outside 0-9, sets without images. The message names the file and what was found.
 */
class DataChecksTest {

    @TempDir
    Path dir;

    /** A valid set, then one file replaced. */
    private Path set(String name) throws IOException {
        return SyntheticMnist.write(dir.resolve(name), 30, 10, 3);
    }

    private static void images(Path file, int n, int rows, int cols) throws IOException {
        SyntheticMnist.writeIdx(file, IdxReader.IMAGES_MAGIC, new int[]{n, rows, cols}, new byte[n * rows * cols]);
    }

    private static void labels(Path file, byte... values) throws IOException {
        SyntheticMnist.writeIdx(file, IdxReader.LABELS_MAGIC, new int[]{values.length}, values);
    }

    private String refused(Path data) {
        String yaml = "name: d\ndataset: {location: \"" + data + "\"}\n";
        return assertThrows(SweepFileException.class, () -> SweepFileParser.parse("d.yaml", yaml.getBytes(StandardCharsets.UTF_8), dir))
                .getMessage();
    }

    @Test
    void imagesThatAreNot28x28_areRefusedInEitherSplit() throws IOException {
        for (int[] shape : List.of(new int[]{27, 28}, new int[]{28, 29}, new int[]{32, 32}, new int[]{1, 784})) {
            for (String split : List.of("train", "t10k")) {
                Path data = set(split + shape[0] + "x" + shape[1]);
                int n = split.equals("train") ? 30 : 10;
                Path file = data.resolve(split + "-images-idx3-ubyte.gz");
                images(file, n, shape[0], shape[1]);
                String m = refused(data);
                assertTrue(m.contains(file + ": images are " + shape[0] + "x" + shape[1] + "; expected 28x28"), m);
            }
        }
    }

    @Test
    void labelsOutsideZeroToNine_areRefusedWithTheFirstAndTheCount() throws IOException {
        Path data = set("labels");
        byte[] train = new byte[30];
        train[4] = 10;
        train[9] = (byte) 255;
        labels(data.resolve("train-labels-idx1-ubyte.gz"), train);
        byte[] test = new byte[10];
        test[0] = 12;
        labels(data.resolve("t10k-labels-idx1-ubyte.gz"), test);
        String m = refused(data);
        assertTrue(m.contains(data.resolve("train-labels-idx1-ubyte.gz") + ": 2 labels are outside 0-9 (the first: 10 at index 4); expected classes 0 to 9"), m);
        assertTrue(m.contains(data.resolve("t10k-labels-idx1-ubyte.gz") + ": 1 label is outside 0-9 (the first: 12 at index 0)"), m);
    }

    @Test
    void aSetWithoutImages_isRefused() throws IOException {
        Path data = set("empty");
        images(data.resolve("t10k-images-idx3-ubyte.gz"), 0, 28, 28);
        labels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        assertTrue(refused(data).contains(data.resolve("t10k-images-idx3-ubyte.gz") + ": holds no images"));
    }

    @Test
    void theDriversCheck_findsTheSameInMemory() throws IOException {
        Path data = set("memory");
        images(data.resolve("train-images-idx3-ubyte.gz"), 30, 14, 14);
        byte[] bad = new byte[10];
        bad[3] = 11;
        labels(data.resolve("t10k-labels-idx1-ubyte.gz"), bad);
        Files.delete(data.resolve("t10k-images-idx3-ubyte.gz"));
        images(data.resolve("t10k-images-idx3-ubyte.gz"), 10, 14, 14);
        List<String> problems = MnistData.load(data).problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith("train-images-idx3-ubyte.gz: images are 14x14; expected 28x28 (the networks take Fashion-MNIST's image size)"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("t10k-labels-idx1-ubyte.gz: 1 label is outside 0-9 (the first: 11 at index 3)")),
                problems.toString());
    }
}
