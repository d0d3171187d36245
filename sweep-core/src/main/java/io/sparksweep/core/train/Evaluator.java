package io.sparksweep.core.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.function.Consumer;

/** Accuracy and mean cross-entropy of a network over a whole split, in large batches of views (no copies). */
public final class Evaluator {

    /** Accuracy and mean cross-entropy. */
    public record Score(double accuracy, double loss) {
    }

    private Evaluator() {
    }

    public static Score evaluate(MultiLayerNetwork net, INDArray x, INDArray y, int[] labels, int batchSize) {
        return evaluate(net, x, y, labels, batchSize, null);
    }

    /** Test images whose predictions a kept model's report shows. */
    public static final int DETAIL_SAMPLES = 20;

    /**
     * What a model gets wrong on the test set: counts by true class (rows) and predicted class (columns), and
     * the first test images' predictions with the predicted class's probability.
     */
    public record TestDetail(long[][] confusion, int[] firstLabel, int[] firstPredicted, double[] firstProbability) {
    }

    /** Accuracy and mean cross-entropy, and the {@link TestDetail} of the same pass, given to {@code detail} unless null. */
    public static Score evaluate(MultiLayerNetwork net, INDArray x, INDArray y, int[] labels, int batchSize,
                                 Consumer<TestDetail> detail) {
        long n = x.rows();
        int classes = (int) y.columns();
        long[][] confusion = detail == null ? null : new long[classes][classes];
        int first = (int) Math.min(DETAIL_SAMPLES, n);
        int[] predictedFirst = new int[first];
        double[] probability = new double[first];
        long correct = 0;
        double lossSum = 0;
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            INDArray out = net.output(x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()), false);
            INDArray yb = y.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            long[] predicted = out.argMax(1).toLongVector();
            for (int i = 0; i < predicted.length; i++) {
                int row = (int) start + i;
                if (predicted[i] == labels[row]) {
                    correct++;
                }
                if (confusion != null) {
                    confusion[labels[row]][(int) predicted[i]]++;
                    if (row < first) {
                        predictedFirst[row] = (int) predicted[i];
                        probability[row] = out.getDouble(i, predicted[i]);
                    }
                }
            }
            INDArray pTrue = out.mul(yb).sum(1);
            lossSum -= Transforms.log(Transforms.max(pTrue, 1e-12, false), false).sumNumber().doubleValue();
        }
        if (detail != null) {
            detail.accept(new TestDetail(confusion, Arrays.copyOf(labels, first), predictedFirst, probability));
        }
        return new Score(correct / (double) n, lossSum / n);
    }
}
