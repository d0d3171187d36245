package io.sparksweep.core.fastpath;

import io.sparksweep.core.model.NetworkFactory;

import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BatchNormHelperTest {

    private static MultiLayerConfiguration cnn() {
        TrialParams p = new TrialParams(new Architecture.Cnn("c", List.of(4, 8), List.of(16), 0.0),
                new OptimizerSpec.Momentum(0.9), 0.05, 16, 0.0, 0.0);
        return NetworkFactory.configuration(p, new LrSchedule.Constant(), 5);
    }

    private static DataSet batch(int seed) {
        INDArray x = TestImages.uniform(seed, 16, 784, -1f, 1f);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            y.putScalar(i, (i * 3 + seed) % 10, 1f);
        }
        return new DataSet(x, y);
    }

    /** DL4J's oneDNN helper on one copy, ours on the other: training, running statistics and inference agree. */
    @Test
    void tutorialCnnBlocks_trainAsWithDl4jsOneDnnHelper() {
        LayerHelpers.allow();
        assumeTrue(LayerHelpers.active(), "oneDNN helpers are not active in this ND4J build");
        MultiLayerNetwork dl4j = new MultiLayerNetwork(cnn());
        dl4j.init();
        MultiLayerNetwork ours = new MultiLayerNetwork(cnn());
        ours.init(dl4j.params().dup(), true);
        assertEquals(3, BatchNormHelper.install(ours), "batch-norm layers given our helper (2 conv blocks, 1 dense block)");
        for (Layer l : dl4j.getLayers()) {
            if (l instanceof BatchNormalization bn) {
                assertInstanceOf(MKLDNNBatchNormHelper.class, bn.getHelper());
            }
        }
        for (int step = 0; step < 5; step++) {
            DataSet b = batch(step);
            dl4j.fit(b);
            ours.fit(b);
            assertEquals(dl4j.score(), ours.score(), 1e-4 * Math.abs(dl4j.score()), "score after step " + step);
        }
        INDArray a = dl4j.params();
        INDArray o = ours.params();
        assertTrue(a.equalsWithEps(o, 1e-4), "parameters (running mean and variance included) differ by " + a.sub(o).amaxNumber());
        INDArray x = batch(99).getFeatures();
        assertTrue(dl4j.output(x).equalsWithEps(ours.output(x), 1e-4), "inference differs");
    }

    @Test
    void networksWithoutOneDnnBatchNorm_areLeftAlone() {
        TrialParams p = new TrialParams(new Architecture.Mlp("m", List.of(8), 0.0), new OptimizerSpec.Sgd(), 0.1, 8, 0.0, 0.0);
        MultiLayerNetwork mlp = NetworkFactory.build(p, new LrSchedule.Constant(), 1);
        assertEquals(0, BatchNormHelper.install(mlp));
    }
}
