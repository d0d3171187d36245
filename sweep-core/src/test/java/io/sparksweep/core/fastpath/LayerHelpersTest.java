package io.sparksweep.core.fastpath;

import io.sparksweep.core.model.NetworkFactory;

import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerHelpersTest {

    private static final TrialParams SMALL_CNN = new TrialParams(new Architecture.Cnn("c", List.of(4, 8), List.of(16), 0.0),
            new OptimizerSpec.Momentum(0.9), 0.05, 16, 0.0, 0.0);

    private static MultiLayerNetwork build(boolean helpers) {
        String before = System.getProperty(LayerHelpers.DISABLE_PROPERTY);
        System.setProperty(LayerHelpers.DISABLE_PROPERTY, Boolean.toString(!helpers));
        try {
            return NetworkFactory.build(SMALL_CNN, new LrSchedule.Constant(), 5);
        } finally {
            if (before == null) {
                System.clearProperty(LayerHelpers.DISABLE_PROPERTY);
            } else {
                System.setProperty(LayerHelpers.DISABLE_PROPERTY, before);
            }
        }
    }

    @Test
    void build_cnn_getsOneDnnHelpersForConvolutionPoolingAndBatchNorm() {
        MultiLayerNetwork net = build(true);
        Layer[] layers = net.getLayers();
        assertInstanceOf(MKLDNNConvHelper.class, layers[0].getHelper());
        // sparksweep's batch-norm helper takes the place of DL4J's oneDNN one (BatchNormHelper)
        assertInstanceOf(BatchNormHelper.class, layers[1].getHelper());
        assertInstanceOf(MKLDNNSubsamplingHelper.class, layers[3].getHelper());
        assertNull(build(false).getLayers()[0].getHelper());
        assertNull(build(false).getLayers()[1].getHelper());
    }

    @Test
    void oneDnnPath_trainsLikeTheBuiltInPath() {
        MultiLayerNetwork fast = build(true);
        MultiLayerNetwork plain = build(false);
        plain.setParams(fast.params().dup());
        INDArray x = TestImages.uniform(11, 32, 784, 0f, 1f);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        for (int step = 0; step < 5; step++) {
            fast.fit(new DataSet(x, y));
            plain.fit(new DataSet(x, y));
        }
        assertEquals(plain.score(), fast.score(), 1e-3 * Math.abs(plain.score()));
        INDArray a = fast.output(x);
        INDArray b = plain.output(x);
        assertTrue(a.equalsWithEps(b, 1e-3), "outputs differ: " + a.sub(b).amaxNumber());
    }
}
