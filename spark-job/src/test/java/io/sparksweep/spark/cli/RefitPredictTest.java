package io.sparksweep.spark.cli;

import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.model.Predictor;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.spark.driver.SweepDriver;
import io.sparksweep.spark.session.SparkSessions;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From a sweep's best trial to a model a user keeps: refit on all training images, then predict new images with it. */
class RefitPredictTest {

    @TempDir
    static Path dir;
    static Path out;
    static Path model;

    record Ran(int exit, String out, String err) {
    }

    static Ran cli(String... args) {
        PrintStream o = System.out;
        PrintStream e = System.err;
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        ByteArrayOutputStream be = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bo, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(be, true, StandardCharsets.UTF_8));
        try {
            int exit = SparkSweepCli.run(args);
            return new Ran(exit, bo.toString(StandardCharsets.UTF_8), be.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @BeforeAll
    static void sweepAndRefit() throws Exception {
        SyntheticMnist.write(dir.resolve("data"), 400, 60, 8);
        out = dir.resolve("out");
        SparkSession spark = SparkSessions.create("refit-test", "local[2]", Map.of("spark.ui.enabled", "false"));
        try {
            new SweepDriver(spark, Clock.systemUTC()).run(SweepFileParser.parse("f.yaml", """
                    name: refit
                    seed: 4
                    dataset: {location: data, validation_split: 0.25}
                    training: {epochs: 2}
                    search:
                      architecture: [{type: mlp, hidden: [16]}]
                      learning_rate: [0.1, 0.001]
                    """.getBytes(StandardCharsets.UTF_8), dir), new SweepDriver.Options(out.toString(), 2, false, 1,
                    new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1));
        } finally {
            spark.stop();
        }
        Ran r = cli("refit", "--sweep", "refit", "--output", out.toString(), "--master", "local[2]", "--conf", "spark.ui.enabled=false");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("refit of trial "), r.out());
        model = Path.of(r.out().lines().filter(l -> l.startsWith("model: ")).findFirst().orElseThrow().substring(7).replace("file:", ""));
    }

    @Test
    void refit_trainsTheBestTrialOnEveryTrainingImage_andWritesItsRowAndModel() {
        Leaderboard store = new Leaderboard(out.toString(), new Configuration());
        String best = store.rows("refit").stream().filter(r -> ((Double) r.get("learning_rate")) == 0.1).findFirst().orElseThrow()
                .get("trial_id").toString();
        List<Map<String, Object>> refit = store.readFile(store.refitFile("refit", best, "one-task"));
        assertEquals(1, refit.size(), "the refit of the better trial (learning rate 0.1)");
        Map<String, Object> row = refit.get(0);
        assertEquals(400, row.get("train_images"), "the validation split trains too");
        assertEquals(2, row.get("epochs"));
        assertEquals("one-task", row.get("mode"));
        assertTrue((Double) row.get("test_accuracy") > 0.5, row.toString());
        assertTrue(Files.exists(model) && Files.exists(model.resolveSibling(model.getFileName().toString().replace(".zip", ".json"))));
    }

    /**
     * Two copies of the network on local[2], averaged every 2 minibatches: every minibatch of every epoch trains
     * once (400 images in batches of 64: 7 an epoch), and the row and model stand beside the one-task refit's.
     */
    @Test
    void refit_dataParallel_trainsEveryMinibatchOnce_andKeepsItsRowBesideTheOneTaskRefit() {
        Ran r = cli("refit", "--sweep", "refit", "--data-parallel", "--workers", "2", "--averaging-frequency", "2", "--output", out.toString(),
                "--master", "local[2]", "--conf", "spark.ui.enabled=false");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("2 workers on executors driver (minibatches {driver=14}), parameters averaged every 2 minibatches"), r.out());
        Leaderboard store = new Leaderboard(out.toString(), new Configuration());
        String trial = r.out().replaceFirst("(?s).*refit of trial (\\p{XDigit}+) .*", "$1");
        Map<String, Object> row = store.readFile(store.refitFile("refit", trial, "data-parallel")).get(0);
        assertEquals("data-parallel", row.get("mode"));
        assertEquals(2, row.get("workers"));
        assertEquals(2, row.get("averaging_frequency"));
        assertEquals(400, row.get("train_images"));
        assertEquals("driver", row.get("executor_id"));
        assertTrue((Double) row.get("test_accuracy") > 0.5, row.toString());
        assertTrue(Files.exists(Path.of(row.get("model_path").toString().replace("file:", ""))), row.toString());
        assertEquals(1, store.readFile(store.refitFile("refit", trial, "one-task")).size(), "the one-task refit is still there");

        Ran noMode = cli("refit", "--sweep", "refit", "--workers", "2", "--output", out.toString());
        assertEquals(2, noMode.exit());
        assertTrue(noMode.err().contains("sparksweep refit: --workers needs --data-parallel"), noMode.err());
        Ran badFrequency = cli("refit", "--sweep", "refit", "--data-parallel", "--averaging-frequency", "0", "--output", out.toString());
        assertEquals(2, badFrequency.exit());
        assertTrue(badFrequency.err().contains("sparksweep refit: --averaging-frequency 0 must be at least 1"), badFrequency.err());
    }

    @Test
    void predict_tenTestImagesAsPng_givesTheModelsOwnClasses() throws Exception {
        MnistData data = MnistData.load(dir.resolve("data"));
        List<String> args = new ArrayList<>(List.of("predict", model.toString(), "--json"));
        for (int i = 0; i < 10; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 784; p++) {
                img.getRaster().setSample(p % 28, p / 28, 0, data.test().pixel(i, p));
            }
            Path png = dir.resolve("test-" + i + ".png");
            ImageIO.write(img, "png", png.toFile());
            args.add(png.toString());
        }
        Ran r = cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(10, lines.size(), r.out());
        List<Predictor.Prediction> own = Predictor.load(model).predict(dir.resolve("data/t10k-images-idx3-ubyte.gz"));
        for (int i = 0; i < 10; i++) {
            assertTrue(lines.get(i).contains("\"label\":" + own.get(i).label() + ","), "image " + i + ": " + lines.get(i) + " against " + own.get(i));
            assertTrue(lines.get(i).contains("\"top3\":["), lines.get(i));
        }
        Ran text = cli("predict", model.toString(), dir.resolve("test-0.png").toString());
        assertTrue(text.out().contains("test-0.png: " + own.get(0).className() + " ("), text.out());
    }

    @Test
    void predict_aFileThatIsNotAnImage_orAModelOfAnotherInput_isAClearError() throws Exception {
        Path png = dir.resolve("any.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        Path notImage = Files.writeString(dir.resolve("notes.txt"), "not an image");
        Ran r = cli("predict", model.toString(), notImage.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("sparksweep predict: " + notImage + ": is not an image (PNG or JPEG) nor an IDX image file"), r.err());

        MultiLayerNetwork other = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(100).nOut(3).activation(Activation.SOFTMAX).build()).build());
        other.init();
        Path otherModel = dir.resolve("other.zip");
        ModelSerializer.writeModel(other, otherModel.toFile(), false);
        Ran wrong = cli("predict", otherModel.toString(), png.toString());
        assertEquals(2, wrong.exit());
        assertTrue(wrong.err().contains("sparksweep predict: " + otherModel + ": the model does not take 28x28 images (784 inputs)"), wrong.err());

        Ran noTrial = cli("refit", "--sweep", "refit", "--trial", "nope", "--output", out.toString(), "--master", "local[1]");
        assertEquals(2, noTrial.exit());
        assertTrue(noTrial.err().contains("sparksweep refit: sweep refit has no trial nope; its trials include: "), noTrial.err());
        Ran noSweep = cli("refit", "--sweep", "nope", "--output", out.toString());
        assertEquals(2, noSweep.exit());
        assertTrue(noSweep.err().contains("no sweep nope at " + out + "; the sweeps there: refit"), noSweep.err());
    }
}
