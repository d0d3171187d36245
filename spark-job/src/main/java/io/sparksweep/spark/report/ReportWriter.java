package io.sparksweep.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparksweep.core.data.ImageSet;
import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.report.ReportPage;
import io.sparksweep.core.spec.DatasetSpec;
import io.sparksweep.spark.exec.ExecutorData;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Writes sweeps' reports ({@link ReportPage}) from their output, reading the Parquet files directly (no
 * Spark SQL query to plan): the rows, the epochs and, for the best trial whose model is kept, its test-set
 * detail and test images from the data set's IDX files. Also the index of every sweep in the output.
 */
public final class ReportWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Leaderboard store;
    private final Clock clock;

    public ReportWriter(Leaderboard store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** There is nothing to report for a sweep: it has no rows (the message names the output and the sweeps there). */
    public static final class NothingToReport extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NothingToReport(String message) {
            super(message);
        }
    }

    /**
     * Writes {@code sweep}'s report to {@code target} (null: {@code OUTPUT/report/NAME.html}) and returns where.
     *
     * @param running whether the sweep runs on (the page then reloads itself)
     */
    public Path write(String sweep, Path target, boolean running) {
        List<Map<String, Object>> rows = store.rows(sweep);
        if (rows.isEmpty()) {
            List<String> sweeps = store.sweeps();
            throw new NothingToReport("no rows of sweep " + sweep + " at " + store.output()
                    + (sweeps.isEmpty() ? " (no sweep has written there)" : "; the sweeps there: " + String.join(", ", sweeps)));
        }
        String html = ReportPage.html(sweep, rows, store.epochsByTrial(sweep), best(sweep, rows), running, clock.instant());
        Path out = target != null ? target : store.reportFile(sweep);
        store.writeText(out, html);
        return out;
    }

    /** Writes the index of every sweep's report ({@code OUTPUT/report/index.html}) and returns where. */
    public Path writeIndex() {
        List<Map<String, Object>> sweeps = new ArrayList<>();
        for (String s : store.sweeps()) {
            List<Map<String, Object>> rows = store.rows(s);
            Map<String, Object> line = new HashMap<>();
            line.put("sweep", s);
            line.put("trials", rows.size());
            boolean maximize = !"minimize".equals(direction(rows));
            rows.stream().map(r -> (Double) r.get("objective")).filter(v -> v != null && Double.isFinite(v))
                    .max(maximize ? Comparator.naturalOrder() : Comparator.reverseOrder()).ifPresent(v -> line.put("best", v));
            rows.stream().map(r -> r.get("finished_at")).filter(v -> v != null).map(Object::toString).max(Comparator.naturalOrder())
                    .ifPresent(v -> line.put("last", v));
            sweeps.add(line);
        }
        Path out = store.reportIndex();
        store.writeText(out, ReportPage.index(sweeps, clock.instant()));
        return out;
    }

    private static String direction(List<Map<String, Object>> rows) {
        for (Map<String, Object> r : rows) {
            JsonNode j = json(r);
            if (j != null) {
                return j.path("objective").path("direction").asText("maximize");
            }
        }
        return "maximize";
    }

    private static JsonNode json(Map<String, Object> r) {
        try {
            return r.get("params_json") == null ? null : JSON.readTree((String) r.get("params_json"));
        } catch (IOException e) {
            return null;
        }
    }

    /** The best trial with a kept model and its test detail, or null when none has one. */
    private ReportPage.Best best(String sweep, List<Map<String, Object>> rows) {
        boolean maximize = !"minimize".equals(direction(rows));
        Map<String, Object> best = rows.stream().filter(r -> r.get("model_path") != null && r.get("objective") instanceof Double)
                .max(Comparator.comparingDouble(r -> maximize ? (Double) r.get("objective") : -(Double) r.get("objective"))).orElse(null);
        if (best == null) {
            return null;
        }
        String id = (String) best.get("trial_id");
        List<Map<String, Object>> cells = store.readFile(store.confusionFile(sweep, id));
        if (cells.isEmpty()) {
            return null;
        }
        JsonNode dataset = json(best) == null ? null : json(best).path("dataset");
        List<String> classes = new ArrayList<>();
        if (dataset != null && dataset.path("classes").isArray()) {
            dataset.path("classes").forEach(c -> classes.add(c.asText()));
        }
        if (classes.isEmpty()) {
            classes.addAll(dataset != null && "fashion-mnist".equals(dataset.path("name").asText()) ? DatasetSpec.FASHION_MNIST_CLASSES
                    : List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        }
        long[][] confusion = new long[classes.size()][classes.size()];
        for (Map<String, Object> c : cells) {
            int t = (Integer) c.get("true_label");
            int p = (Integer) c.get("predicted_label");
            if (t < confusion.length && p < confusion.length) {
                confusion[t][p] = ((Number) c.get("count")).longValue();
            }
        }
        List<ReportPage.Sample> samples = new ArrayList<>();
        List<Map<String, Object>> predictions = new ArrayList<>(store.readFile(store.predictionsFile(sweep, id)));
        predictions.sort(Comparator.comparingInt(p -> (Integer) p.get("test_index")));
        ImageSet test = testImages(dataset);
        for (Map<String, Object> p : predictions) {
            int index = (Integer) p.get("test_index");
            if (test == null || index >= test.size()) {
                break;
            }
            byte[] pixels = new byte[test.pixelsPerImage()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) test.pixel(index, i);
            }
            samples.add(new ReportPage.Sample(index, (Integer) p.get("true_label"), (Integer) p.get("predicted_label"),
                    (Double) p.get("probability"), pixels, test.rows(), test.cols()));
        }
        return new ReportPage.Best(id, classes, confusion, samples);
    }

    private static ImageSet testImages(JsonNode dataset) {
        if (dataset == null || dataset.path("location").asText().isEmpty()) {
            return null;
        }
        try {
            MnistData data = ExecutorData.load(dataset.path("location").asText());
            return data.test();
        } catch (RuntimeException e) {
            LOG.warn("the report shows no test images: the data set at {} cannot be read ({})", dataset.path("location").asText(), e.getMessage());
            return null;
        }
    }

    /**
     * A sweep's report rewritten while it runs, after committed trials: at most every few seconds, and less
     * often when writing it takes long (a large sweep), so that it never slows the sweep.
     */
    public static final class Live implements Runnable, AutoCloseable {
        private final ReportWriter writer;
        private final String sweep;
        /** Writes on a thread of its own: the driver's thread goes on dispatching trials meanwhile. */
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sparksweep-live-report");
            t.setDaemon(true);
            return t;
        });
        private Future<?> writing;
        private volatile long lastNanos;
        private volatile long costNanos;

        public Live(ReportWriter writer, String sweep) {
            this.writer = writer;
            this.sweep = sweep;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            // A write under way is not queued behind: the next call after it writes what is committed by then.
            if (writing != null && !writing.isDone() || lastNanos != 0 && now - lastNanos < Math.max(3_000_000_000L, 10 * costNanos)) {
                return;
            }
            lastNanos = now;
            writing = thread.submit(() -> {
                long start = System.nanoTime();
                try {
                    writer.write(sweep, null, true);
                } catch (RuntimeException e) {
                    LOG.debug("the live report of sweep {} was not written: {}", sweep, e.toString());
                }
                lastNanos = System.nanoTime();
                costNanos = lastNanos - start;
            });
        }

        /** Waits for a write under way, so that the sweep's final report is written after it, not beside it. */
        @Override
        public void close() {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(5, TimeUnit.MINUTES)) {
                    LOG.debug("the live report of sweep {} is still being written", sweep);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
