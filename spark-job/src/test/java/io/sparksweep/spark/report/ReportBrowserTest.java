package io.sparksweep.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.spark.driver.SweepDriver;
import io.sparksweep.spark.session.SparkSessions;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep's report opened in a real browser (headless chromium): every chart drew its data, and nothing was fetched. */
class ReportBrowserTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path out;

    static final List<String> PANELS = List.of("history", "curves-accuracy", "curves-loss", "parallel", "importance",
            "pareto-seconds", "pareto-params", "leaderboard", "confusion", "per-class", "samples");

    @BeforeAll
    static void sweep() throws Exception {
        SyntheticMnist.write(dir.resolve("data"), 300, 100, 4);
        spark = SparkSessions.create("report-test", "local[2]", Map.of("spark.ui.enabled", "false"));
        SweepSpec sweep = SweepFileParser.parse("r.yaml", """
                name: pictures
                seed: 2
                dataset: {location: data, validation_split: 0.2, classes: [zero, one, two, three, four, five, six, seven, eight, nine]}
                training: {epochs: 2}
                search:
                  architecture: [{type: mlp, hidden: [16]}, {type: mlp, hidden: [8]}]
                  learning_rate: [0.1, 0.02]
                  optimizer: [sgd, adam]
                """.getBytes(StandardCharsets.UTF_8), dir);
        out = dir.resolve("out");
        new SweepDriver(spark, Clock.systemUTC()).run(sweep, new SweepDriver.Options(out.toString(), 2, false, 1,
                new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static JsonNode rendered(String dom) throws Exception {
        Matcher m = Pattern.compile("<pre id=\"render-status\"[^>]*>(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), "the page's scripts did not finish:\n" + dom.substring(0, Math.min(2000, dom.length())));
        return new ObjectMapper().readTree(m.group(1).replace("&quot;", "\""));
    }

    /**
     * The URLs the page itself asked for, beyond itself and the data inside it: the network log's requests whose
     * initiator is the page (a file page's origin is "null"). Chromium's own requests (network time, updates)
     * have no initiating origin and are not the page's. A page with an {@code <img>} or a {@code fetch()} of
     * its own shows up here (checked by hand with a page that has both).
     */
    static List<String> fetched(String netLog) throws java.io.IOException {
        JsonNode log = new ObjectMapper().readTree(netLog);
        int startJob = log.path("constants").path("logEventTypes").path("URL_REQUEST_START_JOB").asInt(-1);
        List<String> out = new ArrayList<>();
        for (JsonNode e : log.path("events")) {
            JsonNode p = e.path("params");
            String url = p.path("url").asText("");
            if (e.path("type").asInt() == startJob && !url.isEmpty() && !"not an origin".equals(p.path("initiator").asText())
                    && !url.startsWith("file:") && !url.startsWith("data:") && !url.startsWith("blob:")) {
                out.add(url);
            }
        }
        return out;
    }

    @Test
    void report_everyPanelDrawsItsData_andThePageFetchesNothing() throws Exception {
        Leaderboard store = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        Path page = Path.of(new ReportWriter(store, Clock.systemUTC()).write("pictures", null, false).toUri());
        Chromium.Loaded loaded = Chromium.load(page, dir);
        JsonNode status = rendered(loaded.dom());
        for (String panel : PANELS) {
            assertTrue(status.path(panel).asInt() > 0, "panel " + panel + " drew nothing: " + status);
        }
        assertEquals(8, status.path("leaderboard").asInt(), "one table row per trial");
        assertEquals(20, status.path("samples").asInt(), "20 test images");
        assertTrue(loaded.dom().contains("<dt>objective</dt><dd>val_accuracy, maximize</dd>")
                && loaded.dom().contains("<dt>counts</dt><dd>COMPLETED 8</dd>"), 
                () -> "the header reads as words, not JSON: " + loaded.dom().substring(loaded.dom().indexOf("<dt>objective"), loaded.dom().indexOf("<dt>objective") + 200));
        assertTrue(loaded.dom().contains("zero") && loaded.dom().contains("nine"), "the data set's class names label the confusion matrix");
        assertEquals(List.of(), fetched(loaded.netLog()), "the page made network requests");
        assertTrue(loaded.netLog().length() > 0, "chromium wrote its network log");
    }

    @Test
    void index_listsEverySweep_andAMissingSweepSaysWhatExists() throws Exception {
        Leaderboard store = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        ReportWriter writer = new ReportWriter(store, Clock.systemUTC());
        Path index = Path.of(writer.writeIndex().toUri());
        assertTrue(Files.readString(index).contains("<a href=\"pictures.html\">pictures</a>"));
        ReportWriter.NothingToReport e = assertThrows(ReportWriter.NothingToReport.class,
                () -> writer.write("nope", null, false));
        assertTrue(e.getMessage().contains("no rows of sweep nope at " + out + "; the sweeps there: pictures"), e.getMessage());
    }
}
