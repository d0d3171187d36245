package io.sparksweep.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparksweep.core.model.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sparksweep predict MODEL IMAGES...}: a kept or refitted model's predictions for new images; no Spark. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict the class of images with a kept or refitted model: IDX image files (every image in them), or PNG and JPEG "
                + "images (made grey and scaled to 28x28). Prints the class, its probability and the top 3 for each.",
        footer = {"", "Examples:", "  sparksweep predict sparksweep-output/models/sweep=quickstart/refit-2b045cb316176458.zip shirt.png",
                "  sparksweep predict MODEL.zip t10k-images-idx3-ubyte.gz --json"})
final class PredictCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (.zip), with its .json beside it.")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "IDX image files, PNG or JPEG images.")
    List<Path> images;

    @Option(names = "--json", description = "One JSON object per image.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(model)) {
            err.println("sparksweep predict: " + model + ": no such model file");
            return SparkSweepCli.INVALID_INPUT;
        }
        for (Path image : images) {
            if (!Files.isRegularFile(image)) {
                err.println("sparksweep predict: " + image + ": no such image file");
                return SparkSweepCli.INVALID_INPUT;
            }
        }
        Predictor predictor;
        try {
            predictor = Predictor.load(model);
            ObjectMapper mapper = new ObjectMapper();
            for (Path image : images) {
                for (Predictor.Prediction p : predictor.predict(image)) {
                    if (json) {
                        ObjectNode o = mapper.createObjectNode();
                        o.put("image", p.image());
                        o.put("label", p.label());
                        o.put("class", p.className());
                        o.put("probability", p.probability());
                        var top = o.putArray("top3");
                        for (int i = 0; i < p.top3().size(); i++) {
                            top.addObject().put("class", p.top3().get(i)).put("probability", p.top3Probability().get(i));
                        }
                        out.println(o);
                    } else {
                        StringBuilder top = new StringBuilder();
                        for (int i = 0; i < p.top3().size(); i++) {
                            top.append(i == 0 ? "" : ", ").append(p.top3().get(i)).append(String.format(Locale.ROOT, " %.3f", p.top3Probability().get(i)));
                        }
                        out.printf(Locale.ROOT, "%s: %s (%.3f)  top 3: %s%n", p.image(), p.className(), p.probability(), top);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            out.flush();
            err.println("sparksweep predict: " + e.getMessage());
            return SparkSweepCli.INVALID_INPUT;
        }
        out.flush();
        return 0;
    }
}
