package io.sparksweep.core.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.Architecture;

/** The whole trial spec as JSON, for the leaderboard's {@code params_json} column. */
final class TrialJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TrialJson() {
    }

    static String write(TrialSpec t) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("sweep", t.sweepName());
        root.put("trial_id", t.trialId());
        root.put("seed", t.seed());
        root.put("sweep_seed", t.sweepSeed());
        ObjectNode arch = root.putObject("architecture");
        arch.put("name", t.params().architecture().name());
        if (t.params().architecture() instanceof Architecture.Mlp m) {
            arch.put("type", "mlp");
            m.hidden().forEach(arch.putArray("hidden")::add);
        } else if (t.params().architecture() instanceof Architecture.Cnn c) {
            arch.put("type", "cnn");
            c.channels().forEach(arch.putArray("channels")::add);
            ArrayNode dense = arch.putArray("dense");
            c.dense().forEach(dense::add);
        }
        ObjectNode opt = root.putObject("optimizer");
        opt.put("type", t.params().optimizer().type());
        t.params().optimizer().parameters().forEach(opt::put);
        root.put("learning_rate", t.params().learningRate());
        root.put("batch_size", t.params().batchSize());
        root.put("dropout", t.params().dropout());
        root.put("weight_decay", t.params().weightDecay());
        ObjectNode training = root.putObject("training");
        training.put("epochs", t.training().epochs());
        training.put("lr_schedule", t.training().schedule().canonical());
        ObjectNode data = root.putObject("dataset");
        data.put("name", t.dataset().name());
        data.put("location", t.dataset().location());
        data.put("validation_split", t.dataset().validationSplit());
        data.put("normalization", t.dataset().normalization().key());
        data.put("train_limit", t.dataset().trainLimit());
        data.put("test_limit", t.dataset().testLimit());
        ObjectNode objective = root.putObject("objective");
        objective.put("metric", t.objective().metric().key());
        objective.put("direction", t.objective().direction().key());
        return root.toString();
    }
}
