package io.sparksweep.core.train;

import io.sparksweep.core.trial.EpochMetrics;

import io.sparksweep.core.fastpath.FastPath;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * A trial's state at an epoch boundary: parameters, optimizer state (momentum, Adam moments) and the
 * metrics so far, as DL4J's model-file bytes. {@link TrialRunner#run} resumes from one.
 *
 * @param trialId    whose state this is
 * @param epochsDone how many epochs are in it
 * @param model      a DL4J model file (zip) with the updater state
 * @param history    the metrics of the epochs done
 */
public record Checkpoint(String trialId, int epochsDone, byte[] model, List<EpochMetrics> history) {

    public Checkpoint {
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(model, "model");
        history = List.copyOf(history);
        if (epochsDone != history.size()) {
            throw new IllegalArgumentException("epochsDone " + epochsDone + " does not match " + history.size() + " epochs of history");
        }
        model = model.clone();
    }

    static Checkpoint of(String trialId, MultiLayerNetwork net, List<EpochMetrics> history) {
        return new Checkpoint(trialId, history.size(), modelBytes(net), history);
    }

    /** DL4J's model file for {@code net}, updater state included. */
    public static byte[] modelBytes(MultiLayerNetwork net) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the model", e);
        }
        return out.toByteArray();
    }

    MultiLayerNetwork restore() {
        FastPath.beforeBuild();
        try {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model), true);
            FastPath.install(net);
            return net;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore checkpoint of trial " + trialId, e);
        }
    }

    @Override
    public byte[] model() {
        return model.clone();
    }
}
