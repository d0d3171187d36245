package io.sparksweep.core.model;

import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.data.SyntheticMnist;
import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.conf.updater.SgdSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arbiter 1.0.0-beta7 against DL4J 1.0.0-M2.1: a MultiLayerSpace candidate builds and trains. */
class ArbiterMultiLayerSpaceTest {

    @TempDir
    Path dir;

    @Test
    void multiLayerSpaceCandidate_buildsAndTrainsOnM21() throws Exception {
        MultiLayerSpace space = new MultiLayerSpace.Builder()
                .updater(new SgdSpace(new ContinuousParameterSpace(0.01, 0.1)))
                .addLayer(new DenseLayerSpace.Builder().nIn(784).nOut(new IntegerParameterSpace(8, 32))
                        .activation(Activation.RELU).build())
                .addLayer(new OutputLayerSpace.Builder().nOut(10).activation(Activation.SOFTMAX)
                        .lossFunction(LossFunctions.LossFunction.MCXENT).build())
                .build();
        RandomSearchGenerator generator = new RandomSearchGenerator(space, null);
        generator.setRngSeed(1);
        Candidate<?> candidate = generator.getCandidate();
        DL4JConfiguration conf = (DL4JConfiguration) candidate.getValue();

        MultiLayerNetwork net = new MultiLayerNetwork(conf.getMultiLayerConfiguration());
        net.init();
        MnistData data = MnistData.load(SyntheticMnist.write(dir, 64, 8, 1));
        float[] x = new float[64 * 784];
        float[] y = new float[64 * 10];
        for (int i = 0; i < 64; i++) {
            for (int p = 0; p < 784; p++) {
                x[i * 784 + p] = data.train().pixel(i, p) / 255f;
            }
            y[i * 10 + data.train().label(i)] = 1;
        }
        DataSet batch = new DataSet(Nd4j.create(x, new long[]{64, 784}), Nd4j.create(y, new long[]{64, 10}));
        net.fit(batch);
        double first = net.score();
        for (int i = 0; i < 20; i++) {
            net.fit(batch);
        }
        assertTrue(Double.isFinite(net.score()) && net.score() < first, "loss " + first + " -> " + net.score());
    }
}
