package io.sparksweep.core.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Accuracy and mean cross-entropy of a network over a whole split, in large batches of views (no copies). */
public final class Evaluator {

    /** Accuracy and mean cross-entropy. */
    public record Score(double accuracy, double loss) {
    }

    private Evaluator() {
    }

    public static Score evaluate(MultiLayerNetwork net, INDArray x, INDArray y, int[] labels, int batchSize) {
        long n = x.rows();
        long correct = 0;
        double lossSum = 0;
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            INDArray out = net.output(x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()), false);
            INDArray yb = y.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            long[] predicted = out.argMax(1).toLongVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == labels[(int) start + i]) {
                    correct++;
                }
            }
            INDArray pTrue = out.mul(yb).sum(1);
            lossSum -= Transforms.log(Transforms.max(pTrue, 1e-12, false), false).sumNumber().doubleValue();
        }
        return new Score(correct / (double) n, lossSum / n);
    }

    /**
     * What a model gets wrong on the test set: counts by true class (rows) and predicted class (columns), and
     * the first test images' predictions with the predicted class's probability.
     */
    public record TestDetail(long[][] confusion, int[] firstLabel, int[] firstPredicted, double[] firstProbability) {
    }

    /** The confusion counts on the test split and the predictions of its first {@code samples} images. */
    public static TestDetail testDetail(MultiLayerNetwork net, io.sparksweep.core.data.PreparedData data, int batchSize, int samples) {
        INDArray x = data.testX();
        int[] labels = data.testLabels();
        long n = x.rows();
        int classes = (int) data.testY().columns();
        long[][] confusion = new long[classes][classes];
        int first = (int) Math.min(samples, n);
        int[] label = java.util.Arrays.copyOf(labels, first);
        int[] predicted = new int[first];
        double[] probability = new double[first];
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            INDArray out = net.output(x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()), false);
            long[] p = out.argMax(1).toLongVector();
            for (int i = 0; i < p.length; i++) {
                int row = (int) start + i;
                confusion[labels[row]][(int) p[i]]++;
                if (row < first) {
                    predicted[row] = (int) p[i];
                    probability[row] = out.getDouble(i, p[i]);
                }
            }
        }
        return new TestDetail(confusion, label, predicted, probability);
    }
}
