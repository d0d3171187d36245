package io.sparksweep.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparksweep.core.data.IdxFormatException;
import io.sparksweep.core.data.IdxReader;
import io.sparksweep.core.data.ImageSet;
import io.sparksweep.core.data.Sha256;
import io.sparksweep.core.fastpath.FastPath;
import io.sparksweep.core.spec.Normalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A kept or refitted model used on new images: the DL4J model file and the metadata written beside it
 * ({@code NAME.json}: class names, normalisation, input size). Images are IDX image files (every image in
 * them), or PNG and JPEG files, made grey and scaled to the model's input size as the data set's images are.
 */
public final class Predictor {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One image's prediction: the class, its probability and the three most likely classes. */
    public record Prediction(String image, int label, String className, double probability, List<String> top3, List<Double> top3Probability) {
    }

    private final MultiLayerNetwork net;
    private final List<String> classes;
    private final Normalization normalization;
    private final int side;

    private Predictor(MultiLayerNetwork net, List<String> classes, Normalization normalization, int side) {
        this.net = net;
        this.classes = classes;
        this.normalization = normalization;
        this.side = side;
    }

    /** The model at {@code model} and its metadata beside it; a clear error names a file that is not one. */
    public static Predictor load(Path model) {
        Path meta = model.resolveSibling(model.getFileName().toString().replaceFirst("\\.zip$", "") + ".json");
        List<String> classes = new ArrayList<>();
        Normalization norm = Normalization.TUTORIAL;
        int side = 28;
        if (Files.exists(meta)) {
            try {
                JsonNode m = JSON.readTree(meta.toFile());
                m.path("classes").forEach(c -> classes.add(c.asText()));
                norm = Normalization.valueOf(m.path("normalization").asText("tutorial").toUpperCase(Locale.ROOT));
                side = m.path("input").path("rows").asInt(28);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(meta + ": is not a model's metadata (" + e.getMessage() + ")", e);
            }
        }
        MultiLayerNetwork net;
        try {
            FastPath.beforeBuild();
            net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(model + ": is not a DL4J model file (" + e.getMessage() + ")", e);
        }
        int outputs;
        try {
            outputs = (int) net.output(Nd4j.zeros(DataType.FLOAT, 1, (long) side * side), false).columns();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(model + ": the model does not take " + side + "x" + side + " images (" + side * side
                    + " inputs): " + e.getMessage(), e);
        }
        while (classes.size() < outputs) {
            classes.add(String.valueOf(classes.size()));
        }
        return new Predictor(net, classes, norm, side);
    }

    public List<String> classes() {
        return classes;
    }

    /** Every image of a file: an IDX image file's images, or one PNG or JPEG image. */
    public List<Prediction> predict(Path file) {
        List<float[]> inputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        boolean idx = (head[0] == 0 && head[1] == 0 && head[2] == 8 && head[3] == 3) || (head[0] == 0x1f && (head[1] & 0xFF) == 0x8b);
        if (idx) {
            ImageSet set = idxImages(file);
            if (set.rows() != side || set.cols() != side) {
                throw new IllegalArgumentException(file + ": images are " + set.rows() + "x" + set.cols() + "; the model takes " + side + "x" + side);
            }
            float[] table = table();
            for (int i = 0; i < set.size(); i++) {
                float[] x = new float[side * side];
                set.mapImage(i, table, x, 0);
                inputs.add(x);
                names.add(file + "#" + i);
            }
        } else {
            inputs.add(picture(file));
            names.add(file.toString());
        }
        INDArray x = Nd4j.create(DataType.FLOAT, inputs.size(), side * side);
        for (int i = 0; i < inputs.size(); i++) {
            x.putRow(i, Nd4j.createFromArray(inputs.get(i)));
        }
        INDArray out = net.output(x, false);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            double[] p = out.getRow(i).toDoubleVector();
            Integer[] order = new Integer[p.length];
            for (int k = 0; k < p.length; k++) {
                order[k] = k;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            List<String> top = new ArrayList<>();
            List<Double> topP = new ArrayList<>();
            for (int k = 0; k < Math.min(3, p.length); k++) {
                top.add(classes.get(order[k]));
                topP.add(p[order[k]]);
            }
            predictions.add(new Prediction(names.get(i), order[0], classes.get(order[0]), p[order[0]], top, topP));
        }
        return predictions;
    }

    private float[] table() {
        float[] t = new float[256];
        for (int v = 0; v < 256; v++) {
            t[v] = normalization.apply(v);
        }
        return t;
    }

    private static ImageSet idxImages(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            IdxReader.Content c = IdxReader.read(file.toString(), in, 0x00000803, Sha256.digest());
            byte[] labels = new byte[c.header().count()];
            return new ImageSet(c.payload(), labels, c.header().rows(), c.header().cols());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (IdxFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A PNG or JPEG file, made grey and scaled to the input size, through the model's normalisation. */
    private float[] picture(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read as an image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IllegalArgumentException(file + ": is not an image (PNG or JPEG) nor an IDX image file");
        }
        BufferedImage grey = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, side, side, null);
        g.dispose();
        float[] table = table();
        float[] x = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int c = 0; c < side; c++) {
                x[y * side + c] = table[grey.getRaster().getSample(c, y, 0)];
            }
        }
        return x;
    }
}
