package io.sparksweep.core.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.core.spec.LrSchedule;
import io.sparksweep.core.spec.Normalization;
import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.spec.OptimizerSpec;
import io.sparksweep.core.spec.TrainingSpec;
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
        t.dataset().classNames().forEach(data.putArray("classes")::add);
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

    /**
     * The whole trial spec of a row, from its {@code params_json}, for a refit: its parameters, seeds, training
     * (with {@code epochs} in place of the planned ones when above 0), data set and objective.
     */
    public static TrialSpec spec(String json, String sweepFileHash, int epochs) {
        try {
            JsonNode root = MAPPER.readTree(json);
            JsonNode t = root.path("training");
            JsonNode d = root.path("dataset");
            JsonNode o = root.path("objective");
            List<String> classes = new ArrayList<>();
            d.path("classes").forEach(c -> classes.add(c.asText()));
            DatasetSpec dataset = new DatasetSpec(d.path("name").asText(), d.path("location").asText(), d.path("validation_split").asDouble(),
                    Normalization.valueOf(d.path("normalization").asText("tutorial").toUpperCase(java.util.Locale.ROOT)),
                    d.path("train_limit").asInt(), d.path("test_limit").asInt(), classes);
            TrainingSpec training = new TrainingSpec(epochs > 0 ? epochs : t.path("epochs").asInt(),
                    LrSchedule.parse(t.path("lr_schedule").asText("constant")), 256);
            Objective objective = new Objective(
                    java.util.Arrays.stream(Objective.Metric.values()).filter(m -> m.key().equals(o.path("metric").asText())).findFirst()
                            .orElse(Objective.Metric.VAL_ACCURACY),
                    "minimize".equals(o.path("direction").asText()) ? Objective.Direction.MINIMIZE : Objective.Direction.MAXIMIZE);
            TrialParams params = params(json);
            return new TrialSpec(root.path("sweep").asText(), root.path("trial_id").asText(), 0, root.path("sweep_seed").asLong(),
                    root.path("seed").asLong(), params, training, dataset, objective, sweepFileHash == null ? "unknown" : sweepFileHash,
                    new TrialSpec.Origin(root.path("strategy").asText("grid"), 0, 0));
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
