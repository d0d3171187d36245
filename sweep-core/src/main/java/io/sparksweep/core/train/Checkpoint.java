package io.sparksweep.core.train;


import io.sparksweep.core.fastpath.FastPath;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A trial's state at an epoch boundary: parameters, the updater's state (momentum velocity, Adam's moments)
 * and the epoch and iteration counters (learning-rate schedules go on from them), as DL4J's model-file bytes.
 * {@link TrialRunner#run(io.sparksweep.core.trial.Segment, io.sparksweep.core.data.PreparedData, Checkpoint,
 * java.util.function.Consumer)} resumes from one.
 *
 * @param trialId    whose state this is
 * @param epochsDone how many epochs are in it
 * @param model      a DL4J model file (zip) with the updater state
 */
public record Checkpoint(String trialId, int epochsDone, byte[] model) {

    public Checkpoint {
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(model, "model");
        if (epochsDone < 1) {
            throw new IllegalArgumentException("a checkpoint holds at least one epoch, found " + epochsDone);
        }
        model = model.clone();
    }

    /** The checkpoint of {@code net} after {@code epochsDone} epochs. */
    public static Checkpoint of(String trialId, int epochsDone, MultiLayerNetwork net) {
        return new Checkpoint(trialId, epochsDone, modelBytes(net));
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
