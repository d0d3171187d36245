package io.sparksweep.core.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.trial.TrialParams;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole trial spec as JSON, for the leaderboard's {@code params_json} column, and its parameters read
 * back ({@link #params}), so that a rerun rebuilds the sweep's history from its rows.
 */
public final class TrialJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TrialJson() {
    }

    public static String write(TrialSpec t) {
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
        arch.put("dropout", t.params().architecture().dropout());
        ObjectNode opt = root.putObject("optimizer");
        opt.put("type", t.params().optimizer().type());
        t.params().optimizer().parameters().forEach(opt::put);
        root.put("learning_rate", t.params().learningRate());
        root.put("batch_size", t.params().batchSize());
        root.put("dropout", t.params().dropout());
        root.put("weight_decay", t.params().weightDecay());
        root.put("strategy", t.origin().strategy());
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

    /**
     * The parameters of a row's trial, from its {@code params_json}. Rows written before the architecture's
     * own dropout was recorded take it from the preset of that name, else from the trial's dropout.
     *
     * @throws IllegalArgumentException when the text is not a trial spec of this engine
     */
    public static TrialParams params(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            JsonNode a = root.path("architecture");
            double trialDropout = root.path("dropout").asDouble();
            String name = a.path("name").asText();
            Architecture preset = Architecture.PRESETS.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
            double archDropout = a.has("dropout") ? a.get("dropout").asDouble() : preset != null ? preset.dropout() : trialDropout;
            Architecture arch = switch (a.path("type").asText()) {
                case "mlp" -> new Architecture.Mlp(name, ints(a.path("hidden")), archDropout);
                case "cnn" -> new Architecture.Cnn(name, ints(a.path("channels")), ints(a.path("dense")), archDropout);
                default -> throw new IllegalArgumentException("architecture type " + a.path("type") + " is neither mlp nor cnn");
            };
            JsonNode o = root.path("optimizer");
            OptimizerSpec opt = switch (o.path("type").asText()) {
                case "sgd" -> new OptimizerSpec.Sgd();
                case "momentum" -> new OptimizerSpec.Momentum(o.path("momentum").asDouble());
                case "nesterov" -> new OptimizerSpec.Nesterov(o.path("momentum").asDouble());
                case "adam" -> new OptimizerSpec.Adam(o.path("beta1").asDouble(), o.path("beta2").asDouble(), o.path("epsilon").asDouble());
                case "rmsprop" -> new OptimizerSpec.RmsProp(o.path("decay").asDouble(), o.path("epsilon").asDouble());
                default -> throw new IllegalArgumentException("optimizer type " + o.path("type") + " is not one this engine knows");
            };
            return new TrialParams(arch, opt, root.path("learning_rate").asDouble(), root.path("batch_size").asInt(), trialDropout,
                    root.path("weight_decay").asDouble());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("params_json is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
