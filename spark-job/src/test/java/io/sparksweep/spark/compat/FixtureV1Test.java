package io.sparksweep.spark.compat;

import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.spark.driver.SweepDriver;
import io.sparksweep.spark.session.SparkSessions;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A leaderboard written by sparksweep 0.1.0 (row schema 1: no strategy, suggestion, history_size or
 * schema_version columns), kept under src/test/resources/fixtures/leaderboard-v1 with its sweep file:
 * today's code reads it with Spark SQL and by itself, and a rerun of that sweep recognises every trial.
 */
class FixtureV1Test {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path out;

    @BeforeAll
    static void start() throws IOException, URISyntaxException {
        Path fixture = Path.of(FixtureV1Test.class.getResource("/fixtures/leaderboard-v1").toURI());
        out = dir.resolve("out");
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path p : files.toList()) {
                Path to = out.resolve(fixture.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        spark = SparkSessions.create("fixture-v1", "local[2]", Map.of("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void v1Rows_readWithSparkSqlAndTheDriversReader() {
        Leaderboard store = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        store.registerViews(spark);
        List<Row> rows = spark.sql("SELECT trial_id, status, strategy, suggestion, schema_version, val_accuracy FROM leaderboard "
                + "WHERE sweep = 'fixture-v1' ORDER BY trial_id").collectAsList();
        assertEquals(4, rows.size());
        assertEquals(List.of("1054f465e8628dcf", "15112e2cc5bc7ccb", "83e40c8ec0d7fbb7", "9439759bb3c5f727"),
                rows.stream().map(r -> r.<String>getAs("trial_id")).toList());
        assertEquals("DIVERGED", rows.get(1).getAs("status"));
        for (Row r : rows) {
            assertNull(r.getAs("strategy"), "a v1 row has no strategy");
            assertNull(r.getAs("schema_version"));
        }
        assertEquals(6, spark.sql("SELECT * FROM epochs WHERE sweep = 'fixture-v1'").count(), "2 epochs each, none for the diverged trial");
        assertEquals(4, store.rows("fixture-v1").size());
    }

    @Test
    void rerunOfTheV1Sweep_recognisesEveryTrialAndTrainsNothing() throws URISyntaxException {
        SweepSpec sweep = SweepFileParser.parse(Path.of(FixtureV1Test.class.getResource("/fixtures/leaderboard-v1/fixture.yaml").toURI()));
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(sweep, new SweepDriver.Options(out.toString(), 0, false, 1,
                new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1));
        assertEquals(4, s.planned());
        assertEquals(4, s.skipped());
        assertEquals(0, s.ran());
        assertTrue(Files.exists(out.resolve("models/sweep=fixture-v1/9439759bb3c5f727.zip")), "the kept model stays");
    }
}
