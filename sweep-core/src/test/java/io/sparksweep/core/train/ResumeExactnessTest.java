package io.sparksweep.core.train;

import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.search.Planner;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training to epoch 3 and resuming from the checkpoint to epoch 9 gives the parameters of 9 epochs straight
 * (momentum's velocity, Adam's moments, the step schedule's epoch, the data order and dropout all carry on),
 * and the comparison is strict enough to see a checkpoint that lost the updater's state.
 */
class ResumeExactnessTest {

    @TempDir
    static Path dir;
    static MnistData data;

    @BeforeAll
    static void write() throws IOException {
        data = MnistData.load(SyntheticMnist.write(dir.resolve("data"), 200, 50, 17));
    }

    private static TrialSpec trial(String architecture, String optimizer) {
        SweepSpec sweep = SweepFileParser.parse("r.yaml", ("""
                name: resume
                seed: 9
                dataset: {location: data, validation_split: 0.2}
                training: {epochs: 9, lr_schedule: {type: step, every: 2, gamma: 0.5}}
                search:
                  architecture: [%s]
                  optimizer: [%s]
                  learning_rate: [0.02]
                  batch_size: [16]
                """).formatted(architecture, optimizer).getBytes(StandardCharsets.UTF_8), dir);
        return Planner.plan(sweep).get(0);
    }

    private static MultiLayerNetwork train(TrialSpec t, Segment s, PreparedData prepared, Checkpoint from, AtomicReference<TrialResult> result) {
        AtomicReference<MultiLayerNetwork> net = new AtomicReference<>();
        TrialResult r = new TrialRunner(Clock.systemUTC()).run(s, prepared, from, net::set);
        result.set(r);
        assertEquals(s.last() ? TrialStatus.COMPLETED : TrialStatus.PAUSED, r.status(), r.error());
        return net.get();
    }

    private static byte[] withoutUpdater(MultiLayerNetwork net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, false);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = ';', value = {
            "{type: mlp, hidden: [16]}; {type: momentum, momentum: 0.9}",
            "{type: mlp, hidden: [16]}; adam",
            "{type: cnn, channels: [4], dense: [8], dropout: 0.4}; {type: momentum, momentum: 0.9}",
            "{type: cnn, channels: [4], dense: [8], dropout: 0.4}; adam"})
    void trainedInSegments_endsWithTheParametersOfAStraightRun(String architecture, String optimizer) throws IOException {
        TrialSpec t = trial(architecture, optimizer);
        PreparedData prepared = PreparedData.prepare(data, t.dataset(), t.sweepSeed());
        AtomicReference<TrialResult> r = new AtomicReference<>();
        MultiLayerNetwork straight = train(t, Segment.whole(t), prepared, null, r);
        TrialResult whole = r.get();

        MultiLayerNetwork atThree = train(t, new Segment(t, 0, 3, List.of(), true, null), prepared, null, r);
        TrialResult first = r.get();
        Checkpoint checkpoint = Checkpoint.of(t.trialId(), 3, atThree);
        MultiLayerNetwork resumed = train(t, new Segment(t, 3, 9, first.history(), false, first.startedAt()), prepared, checkpoint, r);

        double diff = straight.params().sub(resumed.params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "parameters differ by " + diff);
        assertEquals(whole.history().get(8).trainLoss(), r.get().history().get(8).trainLoss(), 1e-5);
        assertEquals(9, r.get().history().size());
        assertEquals(whole.history().get(8).learningRate(), r.get().history().get(8).learningRate(), 0.0, "the schedule went on");

        // The same resume from a checkpoint that lost the updater's state: the test sees it.
        Checkpoint lost = new Checkpoint(t.trialId(), 3, withoutUpdater(atThree));
        MultiLayerNetwork wrong = train(t, new Segment(t, 3, 9, first.history(), false, first.startedAt()), prepared, lost, r);
        double off = straight.params().sub(wrong.params()).amaxNumber().doubleValue();
        assertTrue(off > 1e-5, "without the updater's state the parameters still agree to " + off);
    }
}
