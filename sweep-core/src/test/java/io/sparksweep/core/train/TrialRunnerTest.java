package io.sparksweep.core.train;

import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialStatus;

import io.sparksweep.core.data.ImageSet;
import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.search.Planner;
import io.sparksweep.core.trial.Segment;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.Normalization;
import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.spec.TrainingSpec;
import io.sparksweep.core.spec.LrSchedule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialRunnerTest {

    @TempDir
    static Path dir;
    static PreparedData data;
    static SweepSpec sweep;

    private final TrialRunner runner = new TrialRunner(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    @BeforeAll
    static void prepare() throws IOException {
        SyntheticMnist.write(dir.resolve("data"), 300, 100, 11);
        sweep = SweepFileParser.parse("t.yaml", """
                name: runner
                seed: 3
                dataset: {location: data, validation_split: 0.2}
                training: {epochs: 2}
                search:
                  architecture: [{type: mlp, hidden: [32]}]
                  learning_rate: [0.05]
                  batch_size: [16]
                """.getBytes(StandardCharsets.UTF_8), dir);
        data = PreparedData.prepare(MnistData.load(dir.resolve("data")), sweep.dataset(), sweep.seed());
    }

    private static TrialSpec trial() {
        return Planner.plan(sweep).get(0);
    }

    private static TrialSpec withParams(TrialParams p, int epochs) {
        TrialSpec t = trial();
        return new TrialSpec(t.sweepName(), t.trialId(), 0, t.sweepSeed(), t.seed(), p,
                new TrainingSpec(epochs, new LrSchedule.Constant(), 1000), t.dataset(), t.objective(), t.sweepFileHash(), t.origin());
    }

    @Test
    void prepare_split_holdsOutTheValidationShare() {
        assertEquals(240, data.trainSize());
        assertEquals(60, data.valSize());
        assertEquals(100, data.testSize());
    }

    @Test
    void run_tinyMlp_learnsAndRecordsEveryEpoch() {
        TrialResult r = runner.run(trial(), data);
        assertEquals(TrialStatus.COMPLETED, r.status(), r.error());
        assertNull(r.error());
        assertEquals(2, r.history().size());
        assertEquals(List.of(1, 2), r.history().stream().map(EpochMetrics::epoch).toList());
        assertTrue(r.testAccuracy() > 0.9, "test accuracy " + r.testAccuracy());
        assertTrue(r.valAccuracy() > 0.9, "val accuracy " + r.valAccuracy());
        assertTrue(r.history().get(1).trainLoss() < r.history().get(0).trainLoss());
        assertEquals(r.history().get(1).testAccuracy(), r.testAccuracy());
        assertTrue(r.trainSeconds() > 0 && r.samplesPerSecond() > 0);
        assertEquals(trial().seed(), r.seed());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), r.startedAt());
        assertEquals("CpuBackend+onednn", r.environment().backend());
        assertEquals(r.valAccuracy(), r.metric(Objective.Metric.VAL_ACCURACY));
        assertEquals(r.testLoss(), r.metric(Objective.Metric.TEST_LOSS));
    }

    /**
     * The last epoch's test pass gives the report's detail: a confusion whose rows are the true classes
     * (their sums the test set's class counts), whose diagonal is the test accuracy, and the first images'
     * labels and predictions, each predicted class's probability that of the network's own answer.
     */
    @Test
    void run_testDetail_isTheLastTestPassConfusionAndFirstPredictions() {
        AtomicReference<MultiLayerNetwork> net = new AtomicReference<>();
        AtomicReference<Evaluator.TestDetail> detail = new AtomicReference<>();
        // A barely trained network, so that the confusion has mistakes to tell its rows from its columns.
        TrialParams p = new TrialParams(new Architecture.Mlp("m", List.of(32), 0), new OptimizerSpec.Sgd(), 0.01, 16, 0, 0);
        TrialResult r = runner.run(Segment.whole(withParams(p, 1)), data, null, net::set, detail::set);
        assertEquals(TrialStatus.COMPLETED, r.status(), r.error());
        assertTrue(r.testAccuracy() > 0.2 && r.testAccuracy() < 0.9, "test accuracy " + r.testAccuracy());
        Evaluator.TestDetail d = detail.get();
        int[] labels = data.testLabels();
        long diagonal = 0;
        for (int t = 0; t < 10; t++) {
            long row = 0;
            for (int c = 0; c < 10; c++) {
                row += d.confusion()[t][c];
            }
            final int cls = t;
            assertEquals(Arrays.stream(labels).filter(l -> l == cls).count(), row, "test images of class " + t);
            diagonal += d.confusion()[t][t];
        }
        assertEquals(r.testAccuracy(), diagonal / (double) labels.length, 1e-12);
        assertEquals(Evaluator.DETAIL_SAMPLES, d.firstLabel().length);
        INDArray out = net.get().output(data.testX().get(
                NDArrayIndex.interval(0, Evaluator.DETAIL_SAMPLES), NDArrayIndex.all()), false);
        for (int i = 0; i < Evaluator.DETAIL_SAMPLES; i++) {
            assertEquals(labels[i], d.firstLabel()[i]);
            assertEquals(out.getRow(i).argMax().getInt(0), d.firstPredicted()[i], "image " + i);
            assertEquals(out.getDouble(i, d.firstPredicted()[i]), d.firstProbability()[i], 1e-6, "image " + i);
        }
    }

    @Test
    void run_hugeLearningRate_isDivergedAtOnce() {
        TrialParams p = new TrialParams(new Architecture.Mlp("m", List.of(32), 0), new OptimizerSpec.Sgd(), 1e12, 16, 0, 0);
        TrialResult r = runner.run(withParams(p, 3), data);
        assertEquals(TrialStatus.DIVERGED, r.status());
        assertTrue(r.error().startsWith("training loss became NaN or infinite in epoch 1"), r.error());
        assertTrue(r.history().isEmpty());
        assertTrue(Double.isNaN(r.testAccuracy()));
    }

    @Test
    void run_cnnOnImagesOfTheWrongSize_isAFailedResultNotAnException() {
        byte[] pixels = new byte[50 * 100];
        byte[] labels = new byte[50];
        MnistData small = new MnistData(new ImageSet(pixels, labels, 10, 10), new ImageSet(new byte[1000], new byte[10], 10, 10), "x");
        DatasetSpec spec = new DatasetSpec("tiny", "mem", 0.2, Normalization.TUTORIAL, 0, 0);
        PreparedData tiny = PreparedData.prepare(small, spec, 1);
        TrialParams p = new TrialParams(Architecture.CNN, new OptimizerSpec.Sgd(), 0.01, 16, 0.4, 0);
        TrialResult r = runner.run(withParams(p, 1), tiny);
        assertEquals(TrialStatus.FAILED, r.status());
        assertTrue(r.error().length() > 10, r.error());
    }

    @Test
    void run_segmentBeforeTheLastEpoch_isPausedAfterIt() {
        TrialSpec t = withParams(trial().params(), 3);
        TrialResult r = runner.run(new Segment(t, 0, 1, List.of(), true, null), data, null, net -> { });
        assertEquals(TrialStatus.PAUSED, r.status());
        assertEquals(1, r.history().size());
    }

    @Test
    void run_resumedFromCheckpoint_endsWhereAStraightRunEnds() {
        TrialSpec t = trial();
        TrialResult straight = runner.run(t, data);
        AtomicReference<Checkpoint> saved = new AtomicReference<>();
        TrialResult first = runner.run(new Segment(t, 0, 1, List.of(), true, null), data, null,
                net -> saved.set(Checkpoint.of(t.trialId(), 1, net)));
        assertEquals(TrialStatus.PAUSED, first.status());
        assertEquals(1, saved.get().epochsDone());

        TrialResult resumed = runner.run(new Segment(t, 1, 2, first.history(), false, first.startedAt()), data, saved.get(), net -> { });

        assertEquals(TrialStatus.COMPLETED, resumed.status(), resumed.error());
        assertEquals(2, resumed.history().size());
        assertEquals(straight.history().get(0).trainLoss(), resumed.history().get(0).trainLoss());
        assertEquals(straight.history().get(1).trainLoss(), resumed.history().get(1).trainLoss(), 1e-6);
        assertEquals(straight.valLoss(), resumed.valLoss(), 1e-5);
        assertEquals(straight.testAccuracy(), resumed.testAccuracy(), 1e-9);
    }
}
