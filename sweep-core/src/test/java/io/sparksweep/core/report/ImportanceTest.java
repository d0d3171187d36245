package io.sparksweep.core.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic sweeps whose answer is known: which parameter moves the objective, and which does not. */
class ImportanceTest {

    @Test
    void theParameterThatDrivesTheObjective_readsHigh_theOthersLow() {
        Random r = new Random(5);
        Map<String, List<Object>> params = new LinkedHashMap<>();
        List<Object> lr = new ArrayList<>();
        List<Object> batch = new ArrayList<>();
        List<Object> optimizer = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double l = Math.exp(Math.log(1e-4) + r.nextDouble() * Math.log(1e4));
            lr.add(l);
            batch.add(new int[]{32, 64, 128}[r.nextInt(3)] * 1.0);
            optimizer.add(new String[]{"sgd", "adam"}[r.nextInt(2)]);
            // Only the learning rate matters (a bowl in log space at 0.01), plus a little noise.
            double d = Math.log10(l) + 2;
            y.add(0.9 - 0.05 * d * d + 0.005 * r.nextGaussian());
        }
        params.put("learning_rate", lr);
        params.put("batch_size", batch);
        params.put("optimizer", optimizer);
        Map<String, Double> imp = Importance.of(params, y);
        assertTrue(imp.get("learning_rate") > 0.8, imp.toString());
        assertTrue(imp.get("batch_size") < 0.05, imp.toString());
        assertTrue(imp.get("optimizer") < 0.05, imp.toString());
    }

    @Test
    void aCategoryThatDecidesEverything_readsOne_andASingleValueIsLeftOut() {
        Map<String, List<Object>> params = new LinkedHashMap<>();
        params.put("architecture", List.of("mlp", "cnn", "mlp", "cnn"));
        params.put("epochs", List.of(5.0, 5.0, 5.0, 5.0));
        Map<String, Double> imp = Importance.of(params, List.of(0.8, 0.9, 0.8, 0.9));
        assertEquals(1.0, imp.get("architecture"), 1e-12);
        assertEquals(List.of("architecture"), List.copyOf(imp.keySet()));
    }

    @Test
    void pareto_keepsOnlyTheTrialsNothingBeatsOnBoth() {
        double[] seconds = {10, 20, 30, 15, 40};
        double[] acc = {0.80, 0.85, 0.84, 0.70, 0.90};
        assertEquals(List.of(0, 1, 4), Pareto.front(seconds, acc, true));
        assertEquals(List.of(0, 3), Pareto.front(seconds, new double[]{0.5, 0.4, 0.45, 0.3, 0.6}, false));
    }
}
