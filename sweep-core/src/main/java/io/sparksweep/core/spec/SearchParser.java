package io.sparksweep.core.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoublePredicate;

/** Reads the {@code search:} section: strategy, trial count and the declared axes in file order. */
final class SearchParser {

    static final List<String> OPTIMIZER_TYPES = List.of("sgd", "momentum", "nesterov", "adam", "rmsprop");
    private static final List<String> ARCHITECTURE_TYPES = List.of("mlp", "cnn");
    private static final int DEFAULT_GRID_POINTS = 3;

    private SearchParser() {
    }

    static SearchSpec parse(FieldReader search) {
        List<String> known = new ArrayList<>(List.of("strategy", "trials", "tpe"));
        Arrays.stream(Dimension.values()).map(Dimension::key).forEach(known::add);
        search.rejectUnknownKeys(known);

        String strategyText = search.string("strategy", "grid");
        SearchSpec.Strategy strategy = Arrays.stream(SearchSpec.Strategy.values())
                .filter(s -> s.key().equals(strategyText)).findFirst().orElse(null);
        if (strategy == null) {
            search.problems().add(search.path("strategy"), '"' + strategyText + '"',
                    Problems.oneOf(strategyText, Arrays.stream(SearchSpec.Strategy.values()).map(SearchSpec.Strategy::key).toList()));
            strategy = SearchSpec.Strategy.GRID;
        }
        int trials = (int) search.integer("trials", 0, 1, MAX_TRIALS);
        if (strategy != SearchSpec.Strategy.GRID && !search.has("trials")) {
            search.problems().add(search.path("trials"), "nothing", "a trial count from 1 to " + MAX_TRIALS + " (required by strategy " + strategy.key() + ")");
        }
        if (strategy == SearchSpec.Strategy.GRID && search.has("trials")) {
            search.problems().add(search.path("trials"), FieldReader.render(search.raw("trials")),
                    "nothing: trials applies to strategies random and tpe; a grid runs every combination (limit it with budget.max_trials)");
        }
        SearchSpec.Tpe tpe = tpe(search, strategy);

        List<Axis> axes = new ArrayList<>();
        // Keep the file's order: it is the grid's enumeration order.
        for (String key : fieldOrder(search)) {
            Dimension d = Arrays.stream(Dimension.values()).filter(x -> x.key().equals(key)).findFirst().orElse(null);
            if (d == null) {
                continue;
            }
            Domain domain = domain(search.problems(), search.path(key), d, search.raw(key));
            if (domain != null) {
                axes.add(new Axis(d, domain));
            }
        }
        boolean counted = strategy != SearchSpec.Strategy.GRID;
        return new SearchSpec(strategy, counted ? Math.max(1, trials) : 0, axes, tpe);
    }

    /** The most trials one sweep may plan: search.trials, budget.max_trials and a grid's size. */
    static final int MAX_TRIALS = 1_000_000;

    private static SearchSpec.Tpe tpe(FieldReader search, SearchSpec.Strategy strategy) {
        if (!search.has("tpe")) {
            return SearchSpec.Tpe.DEFAULT;
        }
        if (strategy != SearchSpec.Strategy.TPE) {
            search.problems().add(search.path("tpe"), FieldReader.render(search.raw("tpe")), "nothing: tpe applies to strategy tpe");
            return SearchSpec.Tpe.DEFAULT;
        }
        FieldReader r = search.child("tpe");
        r.rejectUnknownKeys(List.of("startup_trials", "candidates"));
        return new SearchSpec.Tpe((int) r.integer("startup_trials", SearchSpec.Tpe.DEFAULT.startupTrials(), 0, MAX_TRIALS),
                (int) r.integer("candidates", SearchSpec.Tpe.DEFAULT.candidates(), 1, 10_000));
    }

    private static List<String> fieldOrder(FieldReader r) {
        List<String> keys = new ArrayList<>();
        r.node().fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static Domain domain(Problems problems, String path, Dimension d, JsonNode v) {
        return switch (d) {
            case LEARNING_RATE -> numeric(problems, path, v, x -> x > 0 && Double.isFinite(x), "a number > 0", true);
            case DROPOUT -> numeric(problems, path, v, x -> x >= 0 && x < 1, "a number >= 0 and < 1 (the probability of dropping a unit)", false);
            case WEIGHT_DECAY -> numeric(problems, path, v, x -> x >= 0 && x < 1, "a number >= 0 and < 1", false);
            case BATCH_SIZE -> batchSize(problems, path, v);
            case OPTIMIZER -> choices(problems, path, v, SearchParser::optimizer);
            case ARCHITECTURE -> choices(problems, path, v, SearchParser::architecture);
        };
    }

    private static Domain numeric(Problems problems, String path, JsonNode v, DoublePredicate ok, String allowed, boolean logByDefault) {
        if (v.isObject()) {
            FieldReader r = FieldReader.of(problems, path, v);
            r.rejectUnknownKeys(List.of("min", "max", "log", "grid_points"));
            int before = problemCount(problems);
            double min = r.number("min", Double.NaN, ok, allowed);
            double max = r.number("max", Double.NaN, ok, allowed);
            if (!r.has("min")) {
                problems.add(r.path("min"), "nothing", allowed + " (a range needs min and max)");
            }
            if (!r.has("max")) {
                problems.add(r.path("max"), "nothing", allowed + " (a range needs min and max)");
            }
            boolean log = r.bool("log", logByDefault);
            int points = (int) r.integer("grid_points", DEFAULT_GRID_POINTS, 2, 1000);
            if (problemCount(problems) > before) {
                return null;
            }
            if (!(min < max)) {
                problems.add(path, "min " + min + " and max " + max, "min < max");
                return null;
            }
            if (log && min <= 0) {
                problems.add(r.path("min"), String.valueOf(min), "a number > 0 when log is true");
                return null;
            }
            return new Domain.Range(min, max, log, points);
        }
        return choices(problems, path, v, (p, path1, node) ->
                (Object) FieldReader.checkedNumber(p, path1, node, ok, allowed, Double.NaN));
    }

    private static Domain batchSize(Problems problems, String path, JsonNode v) {
        if (v.isObject()) {
            FieldReader r = FieldReader.of(problems, path, v);
            r.rejectUnknownKeys(List.of("min", "max", "grid_points"));
            int before = problemCount(problems);
            int min = (int) r.integer("min", 1, 1, 1 << 20);
            int max = (int) r.integer("max", 1, 1, 1 << 20);
            int points = (int) r.integer("grid_points", DEFAULT_GRID_POINTS, 2, 1000);
            if (!r.has("min") || !r.has("max")) {
                problems.add(path, FieldReader.render(v), "a range with both min and max");
                return null;
            }
            if (problemCount(problems) > before) {
                return null;
            }
            if (!(min < max)) {
                problems.add(path, "min " + min + " and max " + max, "min < max");
                return null;
            }
            return new Domain.IntRange(min, max, points);
        }
        return choices(problems, path, v, (p, path1, node) ->
                (Object) (int) FieldReader.checkedInteger(p, path1, node, 1, 1 << 20, -1));
    }

    @FunctionalInterface
    private interface ValueReader {
        Object read(Problems problems, String path, JsonNode node);
    }

    private static Domain choices(Problems problems, String path, JsonNode v, ValueReader reader) {
        List<JsonNode> nodes = FieldReader.listOrScalar(problems, path, v);
        if (nodes == null) {
            return null;
        }
        int before = problemCount(problems);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String elementPath = v.isArray() ? path + "[" + i + "]" : path;
            int beforeElement = problemCount(problems);
            Object value = reader.read(problems, elementPath, nodes.get(i));
            if (problemCount(problems) > beforeElement) {
                continue;
            }
            if (values.contains(value)) {
                problems.add(elementPath, FieldReader.render(nodes.get(i)), "each value once (it is listed twice)");
            }
            values.add(value);
        }
        return problemCount(problems) > before ? null : new Domain.Choice(values);
    }

    /** {@code adam} or {@code {type: adam, beta1: 0.9}}. */
    static OptimizerSpec optimizer(Problems problems, String path, JsonNode v) {
        FieldReader r;
        String type;
        if (v.isTextual()) {
            type = v.asText();
            r = FieldReader.of(problems, path, null);
        } else if (v.isObject()) {
            r = FieldReader.of(problems, path, v);
            type = r.requiredString("type");
            if (type == null) {
                return null;
            }
        } else {
            problems.add(path, FieldReader.render(v), "an optimizer name (" + String.join(", ", OPTIMIZER_TYPES) + ") or a mapping with type and its parameters");
            return null;
        }
        String typePath = v.isObject() ? r.path("type") : path;
        DoublePredicate unit = x -> x >= 0 && x < 1;
        DoublePredicate positive = x -> x > 0;
        switch (type) {
            case "sgd" -> {
                r.rejectUnknownKeys(List.of("type"));
                return new OptimizerSpec.Sgd();
            }
            case "momentum", "nesterov" -> {
                r.rejectUnknownKeys(List.of("type", "momentum"));
                double m = r.number("momentum", 0.9, unit, "a number >= 0 and < 1");
                return type.equals("momentum") ? new OptimizerSpec.Momentum(m) : new OptimizerSpec.Nesterov(m);
            }
            case "adam" -> {
                r.rejectUnknownKeys(List.of("type", "beta1", "beta2", "epsilon"));
                return new OptimizerSpec.Adam(
                        r.number("beta1", 0.9, unit, "a number >= 0 and < 1"),
                        r.number("beta2", 0.999, unit, "a number >= 0 and < 1"),
                        r.number("epsilon", 1e-8, positive, "a number > 0"));
            }
            case "rmsprop" -> {
                r.rejectUnknownKeys(List.of("type", "decay", "epsilon"));
                return new OptimizerSpec.RmsProp(
                        r.number("decay", 0.95, unit, "a number >= 0 and < 1"),
                        r.number("epsilon", 1e-8, positive, "a number > 0"));
            }
            default -> {
                problems.add(typePath, '"' + type + '"', Problems.oneOf(type, OPTIMIZER_TYPES));
                return null;
            }
        }
    }

    /** {@code mlp}, {@code deep_mlp}, {@code cnn}, or {@code {type: mlp, hidden: [...], dropout: 0.2, name: ...}}. */
    static Architecture architecture(Problems problems, String path, JsonNode v) {
        if (v.isTextual()) {
            Architecture preset = Architecture.preset(v.asText());
            if (preset == null) {
                List<String> names = Architecture.PRESETS.stream().map(Architecture::name).toList();
                problems.add(path, FieldReader.render(v), Problems.oneOf(v.asText(), names) + ", or a mapping {type: mlp|cnn, ...}");
            }
            return preset;
        }
        if (!v.isObject()) {
            problems.add(path, FieldReader.render(v), "an architecture name (mlp, deep_mlp, cnn) or a mapping {type: mlp|cnn, ...}");
            return null;
        }
        FieldReader r = FieldReader.of(problems, path, v);
        String type = r.requiredString("type");
        if (type == null) {
            return null;
        }
        int before = problemCount(problems);
        DoublePredicate dropoutOk = x -> x >= 0 && x < 1;
        String dropoutAllowed = "a number >= 0 and < 1 (the probability of dropping a unit)";
        switch (type) {
            case "mlp" -> {
                r.rejectUnknownKeys(List.of("type", "name", "hidden", "dropout"));
                List<Integer> hidden = sizes(problems, r, "hidden", null);
                double dropout = r.number("dropout", 0.0, dropoutOk, dropoutAllowed);
                String name = r.string("name", hidden == null ? "mlp" : "mlp" + joined(hidden));
                return problemCount(problems) > before ? null : new Architecture.Mlp(name, hidden, dropout);
            }
            case "cnn" -> {
                r.rejectUnknownKeys(List.of("type", "name", "channels", "dense", "dropout"));
                List<Integer> channels = sizes(problems, r, "channels", null);
                if (channels != null && channels.size() > 4) {
                    problems.add(r.path("channels"), channels.toString(), "1 to 4 conv blocks (each halves the 28x28 image)");
                }
                List<Integer> dense = sizes(problems, r, "dense", List.of(512, 512));
                double dropout = r.number("dropout", 0.4, dropoutOk, dropoutAllowed);
                String name = r.string("name", channels == null ? "cnn" : "cnn" + joined(channels));
                return problemCount(problems) > before ? null : new Architecture.Cnn(name, channels, dense, dropout);
            }
            default -> {
                problems.add(r.path("type"), '"' + type + '"', Problems.oneOf(type, ARCHITECTURE_TYPES));
                return null;
            }
        }
    }

    private static List<Integer> sizes(Problems problems, FieldReader r, String key, List<Integer> dflt) {
        JsonNode v = r.raw(key);
        if (v.isMissingNode()) {
            if (dflt == null) {
                problems.add(r.path(key), "nothing", "a list of layer sizes (this key is required)");
            }
            return dflt;
        }
        if (!v.isArray() || v.isEmpty()) {
            problems.add(r.path(key), FieldReader.render(v), "a non-empty list of integers >= 1");
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add((int) FieldReader.checkedInteger(problems, r.path(key) + "[" + i + "]", v.get(i), 1, 65536, 1));
        }
        return out;
    }

    private static String joined(List<Integer> sizes) {
        StringBuilder b = new StringBuilder();
        for (int s : sizes) {
            b.append(b.length() == 0 ? "[" : "-").append(s);
        }
        return b.append(']').toString();
    }

    private static int problemCount(Problems problems) {
        return problems.size();
    }
}
