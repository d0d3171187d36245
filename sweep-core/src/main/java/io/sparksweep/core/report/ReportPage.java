package io.sparksweep.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparksweep.core.result.TrialJson;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.TrialParams;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One sweep's report: a self-contained HTML page (Apache ECharts and the data inside it, nothing fetched
 * when it opens) built from the sweep's leaderboard rows, epochs and, for the best trial with a kept model,
 * its confusion counts and a few test images with their predictions. The page's panels: the header, the
 * optimisation history, learning curves, parameters against the objective, parameter importance
 * ({@link Importance}), Pareto fronts ({@link Pareto}), a sortable leaderboard with a CSV download, and what
 * the best model gets wrong.
 */
public final class ReportPage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PARAMS = List.of("architecture", "optimizer", "learning_rate", "batch_size", "dropout", "weight_decay");
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    /** A test image, its label and the model's prediction. */
    public record Sample(int index, int label, int predicted, double probability, byte[] pixels, int rows, int cols) {
        public Sample {
            Objects.requireNonNull(pixels, "pixels");
        }
    }

    /**
     * The best trial with a kept model: its confusion counts on the test set and some test images.
     *
     * @param confusion counts by true class (rows) and predicted class (columns)
     */
    public record Best(String trialId, List<String> classes, long[][] confusion, List<Sample> samples) {
    }

    private ReportPage() {
    }

    /**
     * @param sweep   the sweep's name
     * @param rows    its leaderboard rows (column name to value)
     * @param epochs  each trial's epochs
     * @param best    the best kept model's evaluation, or null
     * @param running whether the sweep is running (the page then reloads itself)
     */
    public static String html(String sweep, List<Map<String, Object>> rows, Map<String, List<EpochMetrics>> epochs, Best best,
                              boolean running, Instant now) {
        String data;
        try {
            data = JSON.writeValueAsString(data(sweep, rows, epochs, best, running, now)).replace("</", "<\\/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return template().replace("/*REFRESH*/", running ? "<meta http-equiv=\"refresh\" content=\"15\">" : "")
                .replace("/*TITLE*/", "sparksweep report: " + sweep)
                .replace("/*ECHARTS*/", resource(ECHARTS).replace("</script", "<\\/script"))
                .replace("/*DATA*/", data);
    }

    static ObjectNode data(String sweep, List<Map<String, Object>> rows, Map<String, List<EpochMetrics>> epochs, Best best,
                           boolean running, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        root.put("sweep", sweep);
        root.put("running", running);
        root.put("generated_at", now.toString());
        root.set("meta", meta(rows));
        boolean maximize = !"minimize".equals(root.with("meta").with("objective").path("direction").asText());
        ArrayNode trials = root.putArray("trials");
        Map<String, List<Object>> paramValues = new LinkedHashMap<>();
        PARAMS.forEach(p -> paramValues.put(p, new ArrayList<>()));
        List<Double> objectives = new ArrayList<>();
        List<String> scoredIds = new ArrayList<>();
        List<double[]> costs = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            ObjectNode t = trials.addObject();
            String id = (String) r.get("trial_id");
            t.put("id", id);
            t.put("status", (String) r.get("status"));
            putNumber(t, "suggestion", r.get("suggestion"));
            Instant finished = (Instant) r.get("finished_at");
            t.put("finished_ms", finished == null ? 0 : finished.toEpochMilli());
            for (String c : List.of("objective", "val_accuracy", "test_accuracy", "train_seconds", "epochs_run")) {
                putNumber(t, c, r.get(c));
            }
            t.put("model_kept", r.get("model_path") != null);
            ObjectNode params = t.putObject("params");
            params.put("architecture", (String) r.get("architecture"));
            params.put("optimizer", optimizerLabel(r));
            putNumber(params, "learning_rate", r.get("learning_rate"));
            putNumber(params, "batch_size", r.get("batch_size"));
            putNumber(params, "dropout", r.get("dropout"));
            putNumber(params, "weight_decay", r.get("weight_decay"));
            long count = parameterCount(r);
            if (count > 0) {
                t.put("param_count", count);
            } else {
                t.putNull("param_count");
            }
            Object objective = r.get("objective");
            if (objective instanceof Double v && Double.isFinite(v)) {
                objectives.add(v);
                scoredIds.add(id);
                costs.add(new double[]{r.get("train_seconds") == null ? 0 : ((Number) r.get("train_seconds")).doubleValue(), count});
                paramValues.get("architecture").add(r.get("architecture"));
                paramValues.get("optimizer").add(optimizerLabel(r));
                for (String p : List.of("learning_rate", "batch_size", "dropout", "weight_decay")) {
                    Object v2 = r.get(p);
                    paramValues.get(p).add(v2 instanceof Number n ? n.doubleValue() : String.valueOf(v2));
                }
            }
        }
        ArrayNode varied = root.putArray("varied");
        Map<String, Double> importance = objectives.size() < 2 ? Map.of() : Importance.of(paramValues, objectives);
        ObjectNode imp = root.putObject("importance");
        importance.forEach((k, v) -> {
            varied.add(k);
            imp.put(k, v);
        });
        double[] value = objectives.stream().mapToDouble(Double::doubleValue).toArray();
        ArrayNode ps = root.putArray("pareto_seconds");
        Pareto.front(costs.stream().mapToDouble(c -> c[0]).toArray(), value, maximize).forEach(i -> ps.add(scoredIds.get(i)));
        ArrayNode pp = root.putArray("pareto_params");
        Pareto.front(costs.stream().mapToDouble(c -> c[1]).toArray(), value, maximize).forEach(i -> pp.add(scoredIds.get(i)));
        ObjectNode curves = root.putObject("epochs");
        epochs.forEach((id, list) -> {
            ArrayNode a = curves.putArray(id);
            list.stream().sorted(Comparator.comparingInt(EpochMetrics::epoch)).forEach(m -> {
                ArrayNode e = a.addArray();
                e.add(m.epoch());
                addNumber(e, m.valAccuracy());
                addNumber(e, m.valLoss());
            });
        });
        if (best == null) {
            root.putNull("best");
        } else {
            root.set("best", best(best));
        }
        return root;
    }

    private static ObjectNode meta(List<Map<String, Object>> rows) {
        ObjectNode m = JSON.createObjectNode();
        Map<String, Integer> counts = new TreeMap<>();
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> devices = new LinkedHashSet<>();
        Instant first = null;
        Instant last = null;
        Map<String, Object> latest = null;
        TreeMap<Integer, Integer> rungs = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            counts.merge((String) r.get("status"), 1, Integer::sum);
            if (r.get("host") != null) {
                hosts.add((String) r.get("host"));
            }
            if (r.get("device") != null) {
                devices.add((String) r.get("device"));
            }
            Instant s = (Instant) r.get("started_at");
            Instant f = (Instant) r.get("finished_at");
            first = s != null && (first == null || s.isBefore(first)) ? s : first;
            if (f != null && (last == null || f.isAfter(last))) {
                last = f;
                latest = r;
            }
            if (r.get("rung") instanceof Integer k && r.get("epochs_run") instanceof Integer e) {
                rungs.merge(k, e, Math::min);
            }
        }
        Map<String, Object> any = latest != null ? latest : rows.isEmpty() ? Map.of() : rows.get(0);
        ObjectNode objective = m.putObject("objective");
        try {
            var json = any.get("params_json") == null ? null : JSON.readTree((String) any.get("params_json"));
            objective.put("metric", json == null ? "val_accuracy" : json.path("objective").path("metric").asText("val_accuracy"));
            objective.put("direction", json == null ? "maximize" : json.path("objective").path("direction").asText("maximize"));
            m.put("strategy", json == null ? "?" : json.path("strategy").asText(String.valueOf(any.getOrDefault("strategy", "grid"))));
        } catch (IOException e) {
            objective.put("metric", "val_accuracy");
            objective.put("direction", "maximize");
        }
        m.set("counts", JSON.valueToTree(counts));
        m.put("trials", rows.size());
        m.put("sweep_file_hash", String.valueOf(any.get("sweep_file_hash")));
        m.put("data_sha256", String.valueOf(any.get("data_sha256")));
        m.put("engine", String.valueOf(any.get("engine_version")));
        m.put("dl4j", String.valueOf(any.get("dl4j_version")));
        m.put("spark", String.valueOf(any.get("spark_version")));
        m.put("java", String.valueOf(any.get("java_version")));
        m.put("backend", String.valueOf(any.get("backend")));
        m.set("hosts", JSON.valueToTree(hosts));
        m.set("devices", JSON.valueToTree(devices));
        m.put("from", first == null ? "-" : first.toString());
        m.put("to", last == null ? "-" : last.toString());
        m.set("rungs", JSON.valueToTree(new ArrayList<>(rungs.values())));
        return m;
    }

    private static ObjectNode best(Best b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", b.trialId());
        n.set("classes", JSON.valueToTree(b.classes()));
        ArrayNode conf = n.putArray("confusion");
        for (long[] row : b.confusion()) {
            ArrayNode a = conf.addArray();
            for (long v : row) {
                a.add(v);
            }
        }
        ArrayNode samples = n.putArray("samples");
        for (Sample s : b.samples()) {
            ObjectNode o = samples.addObject();
            o.put("index", s.index());
            o.put("label", s.label());
            o.put("predicted", s.predicted());
            o.put("probability", s.probability());
            o.put("png", png(s));
        }
        return n;
    }

    /** A grey image as a PNG data URI. */
    static String png(Sample s) {
        BufferedImage img = new BufferedImage(s.cols(), s.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < s.rows(); y++) {
            for (int x = 0; x < s.cols(); x++) {
                int v = s.pixels()[y * s.cols() + x] & 0xFF;
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static String optimizerLabel(Map<String, Object> r) {
        String type = String.valueOf(r.get("optimizer"));
        return switch (type) {
            case "momentum", "nesterov" -> type + (r.get("momentum") == null ? "" : "(" + r.get("momentum") + ")");
            case "adam" -> r.get("beta1") == null ? type : type + "(" + r.get("beta1") + "," + r.get("beta2") + ")";
            default -> type;
        };
    }

    private static long parameterCount(Map<String, Object> r) {
        Object json = r.get("params_json");
        if (json == null) {
            return 0;
        }
        try {
            TrialParams p = TrialJson.params((String) json);
            return p.architecture().parameterCount();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static void putNumber(ObjectNode o, String key, Object v) {
        if (v instanceof Integer i) {
            o.put(key, i);
        } else if (v instanceof Long l) {
            o.put(key, l);
        } else if (v instanceof Double d && Double.isFinite(d)) {
            o.put(key, d);
        } else {
            o.putNull(key);
        }
    }

    private static void addNumber(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }

    private static String template() {
        return resource("/io/sparksweep/core/report/report.html");
    }

    private static String resource(String name) {
        try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** The index of every sweep's report in an output folder. */
    public static String index(List<Map<String, Object>> sweeps, Instant now) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
                + "<title>sparksweep reports</title><style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:.2em .8em;"
                + "text-align:left;border-bottom:1px solid #eee}</style></head><body><h1>sparksweep reports</h1><p>generated " + now
                + "</p><table id=\"sweeps\"><tr><th>sweep</th><th>trials</th><th>best objective</th><th>last finished</th></tr>");
        for (Map<String, Object> s : sweeps) {
            String name = escape(String.valueOf(s.get("sweep")));
            b.append("<tr><td><a href=\"").append(name).append(".html\">").append(name).append("</a></td><td>").append(s.get("trials"))
                    .append("</td><td>").append(s.get("best") == null ? "-" : s.get("best")).append("</td><td>")
                    .append(s.get("last") == null ? "-" : s.get("last")).append("</td></tr>");
        }
        return b.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
