package io.sparksweep.core.result;

import io.sparksweep.core.train.Evaluator;

import java.util.ArrayList;
import java.util.List;

import static io.sparksweep.core.result.RowCodec.field;

/**
 * The tables of a kept model's test-set detail, for reports and SQL: {@code confusion} (counts by true and
 * predicted class) and {@code predictions} (the first test images' predictions).
 */
public final class DetailRows {

    /** One cell of a kept model's confusion matrix on the test set. */
    public record Confusion(String sweep, String trialId, int trueLabel, int predictedLabel, long count) {
    }

    /** One test image's prediction by a kept model. */
    public record Prediction(String sweep, String trialId, int testIndex, int trueLabel, int predictedLabel, double probability) {
    }

    public static final RowCodec<Confusion> CONFUSION = new RowCodec<>(
            field("sweep", Column.Type.STRING, "sweep name (partition)", Confusion::sweep),
            field("trial_id", Column.Type.STRING, "the trial whose model was kept", Confusion::trialId),
            field("true_label", Column.Type.INT, "the test images' class, 0-based", Confusion::trueLabel),
            field("predicted_label", Column.Type.INT, "the class the model predicted", Confusion::predictedLabel),
            field("count", Column.Type.LONG, "test images of that true class predicted as that class", Confusion::count));

    public static final RowCodec<Prediction> PREDICTIONS = new RowCodec<>(
            field("sweep", Column.Type.STRING, "sweep name (partition)", Prediction::sweep),
            field("trial_id", Column.Type.STRING, "the trial whose model was kept", Prediction::trialId),
            field("test_index", Column.Type.INT, "the image's position in the test set, 0-based", Prediction::testIndex),
            field("true_label", Column.Type.INT, "its class", Prediction::trueLabel),
            field("predicted_label", Column.Type.INT, "the class the model predicted", Prediction::predictedLabel),
            field("probability", Column.Type.DOUBLE, "the model's probability of the predicted class", Prediction::probability));

    private DetailRows() {
    }

    public static List<List<Object>> confusion(String sweep, String trialId, Evaluator.TestDetail d) {
        List<List<Object>> out = new ArrayList<>();
        for (int t = 0; t < d.confusion().length; t++) {
            for (int p = 0; p < d.confusion()[t].length; p++) {
                out.add(CONFUSION.values(new Confusion(sweep, trialId, t, p, d.confusion()[t][p])));
            }
        }
        return out;
    }

    public static List<List<Object>> predictions(String sweep, String trialId, Evaluator.TestDetail d) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < d.firstPredicted().length; i++) {
            out.add(PREDICTIONS.values(new Prediction(sweep, trialId, i, d.firstLabel()[i], d.firstPredicted()[i], d.firstProbability()[i])));
        }
        return out;
    }
}
