package io.sparksweep.core.model;

import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NetworkFactoryTest {

    private static TrialParams params(Architecture a, OptimizerSpec o) {
        return new TrialParams(a, o, 0.01, 64, a.dropout(), 0.0);
    }

    @Test
    void build_tutorialMlps_haveTorchsParameterCounts() {
        // nn.Linear counts from the tutorial's PyTorch modules.
        assertEquals(669_706, NetworkFactory.build(params(Architecture.MLP, new OptimizerSpec.Sgd()), new LrSchedule.Constant(), 1).numParams());
        assertEquals(2_646_026, NetworkFactory.build(params(Architecture.DEEP_MLP, new OptimizerSpec.Sgd()), new LrSchedule.Constant(), 1).numParams());
    }

    @Test
    void build_cnn_mapsFlatImagesToTenClasses() {
        MultiLayerNetwork net = NetworkFactory.build(params(Architecture.CNN, new OptimizerSpec.Adam(0.9, 0.999, 1e-8)), new LrSchedule.Constant(), 1);
        assertArrayEquals(new long[]{2, 10}, net.output(Nd4j.rand(2, 784)).shape());
        // conv 3x3 blocks + dense layers of the tutorial; BatchNorm in DL4J also stores its running mean and variance.
        long convAndDense = (9 * 32 + 32) + (32 * 9 * 64 + 64) + (64 * 9 * 128 + 128) + (1152 * 512 + 512) + (512 * 512 + 512) + (512 * 10 + 10);
        long batchNorm = 4L * (32 + 64 + 128 + 512 + 512);
        assertEquals(convAndDense + batchNorm, net.numParams());
    }

    @Test
    void configuration_withHeavyBallAndStepSchedule_survivesJson() {
        TrialParams p = new TrialParams(new Architecture.Mlp("m", List.of(8), 0.2), new OptimizerSpec.Momentum(0.8), 0.1, 16, 0.2, 1e-4);
        MultiLayerConfiguration conf = NetworkFactory.configuration(p, new LrSchedule.Step(2, 0.5), 3);
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    }

    @Test
    void updater_stepSchedule_followsEpochs() {
        IUpdater u = NetworkFactory.updater(new OptimizerSpec.Momentum(0.9), 0.1, new LrSchedule.Step(2, 0.5));
        assertEquals(0.1, u.getLearningRate(0, 0), 1e-12);
        assertEquals(0.1, u.getLearningRate(500, 1), 1e-12);
        assertEquals(0.05, u.getLearningRate(900, 2), 1e-12);
        assertEquals(0.025, u.getLearningRate(2000, 4), 1e-12);
    }
}
