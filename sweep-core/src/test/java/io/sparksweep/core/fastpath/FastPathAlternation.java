package io.sparksweep.core.fastpath;

import io.sparksweep.core.model.NetworkFactory;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.trial.TrialParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times the tutorial CNN's training step with one of the fast path's switches on and off, alternating in
 * one JVM so that the machine's drift falls on both alike, and prints the median times and the median and
 * quartiles of the pairs' ratios. The switches: {@code vector}, the Vector API's loops against the plain
 * ones ({@link FastPath#vectorKernels}); {@code fused}, the pooling done in the batch norm's passes against
 * the pooling layer's own ({@link FastPath#fusedPooling}); {@code conv}, the first convolution's weight
 * gradient in the Vector API against im2col and OpenBLAS ({@link FastPath#vectorGradients}); {@code forward},
 * the first convolution in the Vector API against oneDNN's ({@link FastPath#vectorForward}); {@code bn},
 * the batch norm's inference pass in place in the Vector API against the heap rows
 * ({@link FastPath#vectorInference}); {@code nhwc}, inference's later convolutions, batch norms and poolings
 * in NHWC against NCHW ({@link FastPath#nhwcInference}); {@code nhwctrain}, the same in training
 * ({@link FastPath#nhwcTraining}). A benchmark, not a test: docs/performance.md gives the command.
 * Arguments: steps per run (10), pairs of runs (24), the switch ({@code vector}), and what a step is:
 * {@code train} (a training step on 64 images, the default) or {@code inference} ({@code output} on 256
 * images, as the evaluation's batches).
 */
public final class FastPathAlternation {

    private FastPathAlternation() {
    }

    private static void set(String which, boolean on) {
        switch (which) {
            case "vector" -> FastPath.vectorKernels = on;
            case "fused" -> FastPath.fusedPooling = on;
            case "conv" -> FastPath.vectorGradients = on;
            case "forward" -> FastPath.vectorForward = on;
            case "bn" -> FastPath.vectorInference = on;
            case "nhwc" -> FastPath.nhwcInference = on;
            case "nhwctrain" -> FastPath.nhwcTraining = on;
            default -> throw new IllegalArgumentException("switch: vector, fused, conv, forward, bn, nhwc or nhwctrain, not " + which);
        }
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        String which = args.length > 2 ? args[2] : "vector";
        boolean inference = args.length > 3 && args[3].equals("inference");
        INDArray evaluated = Nd4j.rand(DataType.FLOAT, 256, 784).muli(2).subi(1);
        TrialParams p = new TrialParams(Architecture.CNN, new OptimizerSpec.Momentum(0.9), 0.01, 64, 0.0, 0.0);
        MultiLayerNetwork net = NetworkFactory.build(p, new LrSchedule.Constant(), 1);
        DataSet[] batches = new DataSet[8];
        for (int i = 0; i < batches.length; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 64, 784).muli(2).subi(1);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 64, 10);
            for (int r = 0; r < 64; r++) {
                y.putScalar(r, (r * 7 + i) % 10, 1f);
            }
            batches[i] = new DataSet(x, y);
        }
        for (int w = 0; w < 30; w++) {
            set(which, w % 2 == 0);
            net.fit(batches[w % batches.length]);
            net.output(evaluated, false);
        }
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int pair = 0; pair < pairs; pair++) {
            double[] ms = new double[2];
            for (int k = 0; k < 2; k++) {
                boolean v = (pair + k) % 2 == 0;
                set(which, v);
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    if (inference) {
                        net.output(evaluated, false);
                    } else {
                        net.fit(batches[s % batches.length]);
                    }
                }
                ms[v ? 0 : 1] = (System.nanoTime() - t0) / 1e6 / steps;
            }
            on.add(ms[0]);
            off.add(ms[1]);
            ratios.add(ms[1] / ms[0]);
        }
        Collections.sort(on);
        Collections.sort(off);
        Collections.sort(ratios);
        System.out.printf("%s, %s: ms per step, medians: on %.1f, off %.1f; off/on per pair: median %.3f, quartiles %.3f-%.3f"
                        + " (%d pairs of %d steps)%n", which, inference ? "inference" : "train", on.get(pairs / 2), off.get(pairs / 2), ratios.get(pairs / 2),
                ratios.get(pairs / 4), ratios.get(3 * pairs / 4), pairs, steps);
    }
}
