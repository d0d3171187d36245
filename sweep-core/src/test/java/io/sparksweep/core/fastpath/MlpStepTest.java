package io.sparksweep.core.fastpath;

import io.sparksweep.core.model.NetworkFactory;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpStepTest {

    private static final Architecture.Mlp MLP = new Architecture.Mlp("m", List.of(32, 16), 0.0);
    private static final int BATCH = 24;

    private static MultiLayerNetwork network(TrialParams p, LrSchedule schedule) {
        return NetworkFactory.build(p, schedule, 3);
    }

    private static TrialParams params(Architecture a, OptimizerSpec optimizer, double dropout, double weightDecay) {
        return new TrialParams(a, optimizer, 0.05, BATCH, dropout, weightDecay);
    }

    private static DataSet batch(int seed, int rows) {
        INDArray x = TestImages.uniform(seed, rows, 784, -0.5f, 0.5f);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, 10);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, (i * 7 + seed) % 10, 1f);
        }
        return new DataSet(x, y);
    }

    /**
     * DL4J's fit on one copy, the step on another with the same initial parameters, over two epochs of
     * three batches (the last one short); scores, parameters and updater state must agree.
     */
    private static void assertStepsLikeFit(TrialParams p, LrSchedule schedule) {
        MultiLayerNetwork fit = network(p, schedule);
        MultiLayerNetwork stepped = network(p, schedule);
        stepped.setParams(fit.params().dup());
        MlpStep step = MlpStep.of(stepped, BATCH).orElseThrow();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int b = 0; b < 3; b++) {
                DataSet batch = batch(10 * epoch + b, b == 2 ? 7 : BATCH);
                fit.fit(batch);
                double score = step.fit(batch.getFeatures(), batch.getLabels());
                assertEquals(fit.score(), score, 1e-5 * Math.abs(fit.score()), "score, epoch " + epoch + " batch " + b);
                assertEquals(fit.getIterationCount(), stepped.getIterationCount(), "iteration count");
            }
            fit.incrementEpochCount();
            stepped.incrementEpochCount();
        }
        INDArray a = fit.params();
        INDArray b = stepped.params();
        assertTrue(a.equalsWithEps(b, 1e-5), "parameters differ by " + a.sub(b).amaxNumber());
        INDArray sa = fit.getUpdater().getStateViewArray();
        INDArray sb = stepped.getUpdater().getStateViewArray();
        assertTrue(sa == null && sb == null || sa.equalsWithEps(sb, 1e-5), "updater state differs");
    }

    @Test
    void momentumMlp_stepsExactlyAsDl4jFits() {
        assertStepsLikeFit(params(MLP, new OptimizerSpec.Momentum(0.9), 0, 0), new LrSchedule.Constant());
    }

    @Test
    void momentumWithWeightDecay_stepsExactlyAsDl4jFits() {
        assertStepsLikeFit(params(MLP, new OptimizerSpec.Momentum(0.8), 0, 1e-2), new LrSchedule.Constant());
    }

    @Test
    void plainSgdWithWeightDecayAndStepSchedule_stepsExactlyAsDl4jFits() {
        assertStepsLikeFit(params(new Architecture.Mlp("m", List.of(20), 0.0), new OptimizerSpec.Sgd(), 0, 1e-2),
                new LrSchedule.Step(1, 0.5));
    }

    @Test
    void whatItDoesNotCover_trainsWithFit() {
        OptimizerSpec momentum = new OptimizerSpec.Momentum(0.9);
        assertNull(MlpStep.unsupported(network(params(MLP, momentum, 0, 0), new LrSchedule.Constant())));
        String dropout = MlpStep.unsupported(network(params(MLP, momentum, 0.2, 0), new LrSchedule.Constant()));
        assertNotNull(dropout);
        assertTrue(dropout.contains("DropoutLayer"), dropout);
        String adam = MlpStep.unsupported(network(params(MLP, new OptimizerSpec.Adam(0.9, 0.999, 1e-8), 0, 0),
                new LrSchedule.Constant()));
        assertTrue(adam != null && adam.contains("optimizer Adam"), adam);
        String cnn = MlpStep.unsupported(network(params(new Architecture.Cnn("c", List.of(4), List.of(8), 0.0),
                momentum, 0, 0), new LrSchedule.Constant()));
        assertTrue(cnn != null && cnn.contains("input preprocessors"), cnn);
        MultiLayerNetwork listened = network(params(MLP, momentum, 0, 0), new LrSchedule.Constant());
        listened.setListeners(new ScoreIterationListener(1));
        assertEquals("listeners attached", MlpStep.unsupported(listened));
        assertTrue(MlpStep.of(listened, BATCH).isEmpty());
    }

    @Test
    void aBatchThatDoesNotFit_isRefusedWithItsShape() {
        MlpStep step = MlpStep.of(network(params(MLP, new OptimizerSpec.Momentum(0.9), 0, 0), new LrSchedule.Constant()), BATCH)
                .orElseThrow();
        DataSet big = batch(1, BATCH + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.fit(big.getFeatures(), big.getLabels()));
        assertTrue(e.getMessage().contains("at most " + BATCH + " rows"), e.getMessage());
        DataSet ok = batch(2, BATCH);
        INDArray fewerLabels = ok.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, BATCH - 1),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertThrows(IllegalArgumentException.class, () -> step.fit(ok.getFeatures(), fewerLabels));
        INDArray strided = Nd4j.rand(DataType.FLOAT, BATCH, 2 * 784).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 784));
        assertThrows(IllegalArgumentException.class, () -> step.fit(strided, ok.getLabels()));
    }
}
