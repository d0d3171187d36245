package io.sparksweep.core.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class HeavyBallMomentumTest {

    @Test
    void applyUpdater_twoSteps_matchTorchSgdWithMomentum() {
        HeavyBallMomentum config = new HeavyBallMomentum(0.1, null, 0.9);
        INDArray state = Nd4j.zeros(1, 3);
        GradientUpdater<?> u = config.instantiate(state, true);

        INDArray g1 = Nd4j.createFromArray(new float[]{1, 2, 3}).reshape(1, 3);
        u.applyUpdater(g1, 0, 0);
        assertArrayEquals(new float[]{0.1f, 0.2f, 0.3f}, g1.toFloatVector(), 1e-6f);

        // v = 0.9 * [1, 2, 3] + [1, 1, 1]; step = 0.1 * v
        INDArray g2 = Nd4j.createFromArray(new float[]{1, 1, 1}).reshape(1, 3);
        u.applyUpdater(g2, 1, 0);
        assertArrayEquals(new float[]{0.19f, 0.28f, 0.37f}, g2.toFloatVector(), 1e-6f);
    }
}
