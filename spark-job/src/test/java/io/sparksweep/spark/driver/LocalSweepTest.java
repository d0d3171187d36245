package io.sparksweep.spark.driver;

import io.sparksweep.spark.session.SparkSessions;
import io.sparksweep.spark.store.Leaderboard;

import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.search.Planner;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small sweep on local[2], end to end: plan, Spark tasks, Parquet leaderboard, SQL, resume. */
class LocalSweepTest {

    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() throws IOException {
        SyntheticMnist.write(dir.resolve("data"), 300, 100, 21);
        spark = SparkSessions.create("local-sweep-test", "local[2]", Map.of(
                "spark.kryo.registrationRequired", "true",
                "spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static SweepSpec sweep(String name, String search) {
        return SweepFileParser.parse(name + ".yaml", ("""
                name: %s
                seed: 5
                dataset: {location: data, validation_split: 0.2}
                training: {epochs: 1}
                search:
                %s
                """).formatted(name, search).getBytes(StandardCharsets.UTF_8), dir);
    }

    static SweepDriver.Options options(Path out, int keep) {
        return new SweepDriver.Options(out.toString(), 0, false, keep, new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1);
    }

    @Test
    void run_smallSweep_writesOneRowPerPlannedTrial() {
        SweepSpec spec = sweep("grid", """
                  architecture: [{type: mlp, hidden: [16]}, {type: mlp, hidden: [32]}]
                  learning_rate: [0.1, 0.01]
                  batch_size: [32]
                """);
        Path out = dir.resolve("out-grid");
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(spec, options(out, 2));

        assertEquals(4, s.planned());
        assertEquals(4, s.completed());
        assertEquals(2, s.parallelism());
        Leaderboard lb = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        Map<String, Row> rows = lb.table(spark).collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("trial_id"), r -> r));
        List<TrialSpec> plan = Planner.plan(spec);
        assertEquals(plan.size(), rows.size());
        for (TrialSpec t : plan) {
            Row r = rows.get(t.trialId());
            assertNotNull(r, "no row for " + t.trialId());
            assertEquals("grid", r.getAs("sweep"));
            assertEquals("COMPLETED", r.getAs("status"));
            assertEquals(t.index(), (int) r.getAs("trial_index"));
            assertEquals(t.params().architecture().name(), r.getAs("architecture"));
            assertEquals("momentum", r.getAs("optimizer"));
            assertEquals(0.9, (double) r.getAs("momentum"));
            assertNull(r.getAs("beta1"));
            assertEquals(t.params().learningRate(), (double) r.getAs("learning_rate"));
            assertEquals(32, (int) r.getAs("batch_size"));
            assertEquals(t.seed(), (long) r.getAs("seed"));
            assertEquals(spec.fileSha256(), r.getAs("sweep_file_hash"));
            assertEquals("cpu", r.getAs("device"));
            assertEquals("driver", r.getAs("executor_id"));
            assertEquals(spark.version(), r.getAs("spark_version"));
            // Ten classes: chance is 0.1.
            assertTrue((double) r.getAs("test_accuracy") > 0.2, r.toString());
            assertEquals((double) r.getAs("val_accuracy"), (double) r.getAs("objective"));
            assertTrue(((String) r.getAs("params_json")).contains("\"trial_id\":\"" + t.trialId() + "\""));
            assertNotNull(r.getAs("started_at"));
        }
        assertEquals(4, lb.epochs(spark).count());

        // The driver's own reader sees what Spark SQL sees.
        List<Map<String, Object>> direct = lb.rows("grid");
        assertEquals(rows.keySet(), direct.stream().map(r -> r.get("trial_id")).collect(Collectors.toSet()));
        for (Map<String, Object> d : direct) {
            Row r = rows.get((String) d.get("trial_id"));
            for (String column : List.of("sweep", "status", "architecture", "val_accuracy", "test_accuracy", "batch_size",
                    "seed", "started_at", "model_path")) {
                Object sql = r.getAs(column);
                assertEquals(sql instanceof java.sql.Timestamp t ? t.toInstant() : sql, d.get(column), column);
            }
        }
        assertTrue(lb.rows("no-such-sweep").isEmpty());

        // The best two keep their model files; the others keep none.
        List<Row> byObjective = lb.table(spark).orderBy(org.apache.spark.sql.functions.col("objective").desc(),
                org.apache.spark.sql.functions.col("trial_id")).collectAsList();
        long withModels = byObjective.stream().filter(r -> r.getAs("model_path") != null).count();
        assertEquals(2, withModels);
        for (Row r : byObjective) {
            String path = r.getAs("model_path");
            if (path != null) {
                assertTrue(Files.exists(Path.of(java.net.URI.create(path))), path);
            }
        }
        try (Stream<Path> models = Files.list(out.resolve("models/sweep=grid"))) {
            assertEquals(2, models.filter(p -> p.toString().endsWith(".zip")).count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        lb.registerViews(spark);
        Row best = spark.sql("SELECT architecture, max(test_accuracy) FROM leaderboard GROUP BY architecture ORDER BY architecture").first();
        assertEquals("mlp[16]", best.getString(0));
    }

    @Test
    void rerun_sameSweep_skipsCommittedTrialsAndAddsNoRow() {
        Path out = dir.resolve("out-resume");
        SweepSpec small = sweep("resume", "  learning_rate: [0.1]\n  architecture: [{type: mlp, hidden: [16]}]\n");
        SweepDriver.Summary first = new SweepDriver(spark, Clock.systemUTC()).run(small, options(out, 1));
        assertEquals(1, first.ran());

        SweepSpec grown = sweep("resume", "  learning_rate: [0.1, 0.05]\n  architecture: [{type: mlp, hidden: [16]}]\n");
        SweepDriver.Summary second = new SweepDriver(spark, Clock.systemUTC()).run(grown, options(out, 1));
        assertEquals(2, second.planned());
        assertEquals(1, second.skipped());
        assertEquals(1, second.ran());

        SweepDriver.Summary third = new SweepDriver(spark, Clock.systemUTC()).run(grown, options(out, 1));
        assertEquals(0, third.ran());
        Leaderboard lb = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        assertEquals(2, lb.table(spark).count());
        assertEquals(2, lb.table(spark).select("trial_id").distinct().count());
        assertEquals(1, lb.table(spark).where("model_path IS NOT NULL").count());
    }

    /** Local mode schedules devices itself: one device, one trial on it at a time, even with two trials in flight. */
    @Test
    void run_localDevicePool_neverSharesADeviceBeyondItsLimit() {
        Path out = dir.resolve("out-devices");
        SweepSpec spec = sweep("devices", "  learning_rate: [0.1, 0.05, 0.02, 0.01]\n  architecture: [{type: mlp, hidden: [16]}]\n");
        SweepDriver.Options o = new SweepDriver.Options(out.toString(), 2, false, 0, new PrintStream(new ByteArrayOutputStream()), false,
                List.of("7"), 1);
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(spec, o);
        assertEquals(4, s.completed());
        assertEquals(2, s.parallelism());
        List<Row> rows = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration()).table(spark)
                .orderBy("started_at").collectAsList();
        assertTrue(rows.stream().allMatch(r -> "cpu (gpu:7 assigned)".equals(r.getAs("device"))), rows.toString());
        for (int i = 1; i < rows.size(); i++) {
            java.sql.Timestamp prevEnd = rows.get(i - 1).getAs("finished_at");
            java.sql.Timestamp start = rows.get(i).getAs("started_at");
            assertTrue(!start.before(prevEnd), "two trials on device 7 at once: " + rows.get(i - 1) + " / " + rows.get(i));
        }
    }

    @Test
    void run_divergingTrial_isARowAndTheSweepGoesOn() {
        Path out = dir.resolve("out-diverge");
        SweepSpec spec = sweep("diverge", "  optimizer: [sgd]\n  learning_rate: [1e12, 0.05]\n  architecture: [{type: mlp, hidden: [16]}]\n");
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(spec, options(out, 3));
        assertEquals(2, s.ran());
        Leaderboard lb = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        Map<Double, Row> rows = lb.table(spark).collectAsList().stream()
                .collect(Collectors.toMap(r -> (Double) r.getAs("learning_rate"), r -> r));
        assertEquals("COMPLETED", rows.get(0.05).getAs("status"));
        Row diverged = rows.get(1e12);
        assertEquals("DIVERGED", diverged.getAs("status"));
        assertTrue(diverged.<String>getAs("error").startsWith("training loss became NaN or infinite in epoch 1"), diverged.toString());
        assertNull(diverged.getAs("test_accuracy"));
        assertNull(diverged.getAs("model_path"));
        assertEquals(0, (int) diverged.getAs("epochs_run"));

        // A rerun keeps the DIVERGED row; --rerun-failed runs that trial again (and only that one).
        assertEquals(0, new SweepDriver(spark, Clock.systemUTC()).run(spec, options(out, 3)).ran());
        SweepDriver.Options rerunFailed = new SweepDriver.Options(out.toString(), 0, true, 3,
                new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1);
        SweepDriver.Summary again = new SweepDriver(spark, Clock.systemUTC()).run(spec, rerunFailed);
        assertEquals(1, again.ran());
        assertEquals(1, again.skipped());
        assertEquals(2, lb.table(spark).count());
    }

    @Test
    void tpeSweep_onLocal2_recordsItsSuggestions_andARerunGoesOnToTheTrialCount() {
        Path out = dir.resolve("out-tpe");
        String search = """
                  strategy: tpe
                  trials: %d
                  tpe: {startup_trials: 3}
                  learning_rate: {min: 0.001, max: 0.3}
                  architecture: [{type: mlp, hidden: [16]}, {type: mlp, hidden: [8]}]
                """;
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(sweep("tpe", search.formatted(6)), options(out, 1));
        assertEquals(6, s.ran());
        Leaderboard lb = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        List<Row> rows = lb.table(spark).orderBy("suggestion").collectAsList();
        assertEquals(6, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals("tpe", r.getAs("strategy"));
            assertEquals(i, (int) r.getAs("suggestion"));
            assertEquals(2, (int) r.getAs("schema_version"));
            int seen = r.getAs("history_size");
            assertTrue(seen <= i, "trial " + i + " saw " + seen + " finished trials");
        }
        assertEquals(0, (int) rows.get(0).getAs("history_size"));
        assertTrue(rows.get(5).<Integer>getAs("history_size") >= 3, "the last suggestion saw the results of the first ones");

        SweepDriver.Summary again = new SweepDriver(spark, Clock.systemUTC()).run(sweep("tpe", search.formatted(6)), options(out, 1));
        assertEquals(0, again.ran());
        assertEquals(6, again.skipped());
        SweepDriver.Summary more = new SweepDriver(spark, Clock.systemUTC()).run(sweep("tpe", search.formatted(8)), options(out, 1));
        assertEquals(2, more.ran());
        List<Row> after = lb.table(spark).orderBy("suggestion").collectAsList();
        assertEquals(8, after.size());
        assertEquals(List.of(6, 7), after.subList(6, 8).stream().map(r -> r.<Integer>getAs("suggestion")).toList());
        assertEquals(8, after.stream().map(r -> r.getAs("trial_id")).distinct().count());
    }

    /** As Spark MLlib tests its tuning: one slot or two, the same trials with the same results. */
    @Test
    void serialAndParallel_giveTheSameRows_timingsAndPlacementAside() {
        String search = """
                  architecture: [{type: mlp, hidden: [16]}, {type: mlp, hidden: [12]}]
                  learning_rate: [0.1, 0.03]
                  optimizer: [sgd, adam]
                """;
        Map<String, Row> serial = rowsOf(sweep("same", search), dir.resolve("out-serial"), 1);
        Map<String, Row> parallel = rowsOf(sweep("same", search), dir.resolve("out-parallel"), 2);
        assertEquals(8, serial.size());
        assertEquals(serial.keySet(), parallel.keySet());
        List<String> aside = List.of("started_at", "finished_at", "train_seconds", "samples_per_second", "history_size", "model_path");
        for (String id : serial.keySet()) {
            Row a = serial.get(id);
            Row b = parallel.get(id);
            for (String column : a.schema().fieldNames()) {
                if (!aside.contains(column)) {
                    assertEquals((Object) a.getAs(column), b.getAs(column), "trial " + id + " column " + column);
                }
            }
            assertEquals(a.getAs("model_path") == null, b.getAs("model_path") == null, "trial " + id + " keeps its model either way");
        }
    }

    private Map<String, Row> rowsOf(SweepSpec spec, Path out, int slots) {
        SweepDriver.Options o = new SweepDriver.Options(out.toString(), slots, false, 2, new PrintStream(new ByteArrayOutputStream()), false,
                List.of(), 1);
        assertEquals(slots, new SweepDriver(spark, Clock.systemUTC()).run(spec, o).parallelism());
        return new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration()).table(spark).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getAs("trial_id"), r -> r));
    }

    /** Trains nothing, and its task throws (as when its rows cannot be written) for one learning rate. */
    static final class ThrowsForOneTrial implements io.sparksweep.spark.exec.Trainer {
        private static final long serialVersionUID = 1L;

        @Override
        public Trained train(io.sparksweep.core.trial.Segment segment, io.sparksweep.core.train.Checkpoint from, String dataSha256,
                             java.util.function.DoublePredicate keep, java.util.function.DoublePredicate describe) {
            if (segment.trial().params().learningRate() == 0.05) {
                throw new IllegalStateException("this task always fails");
            }
            return new io.sparksweep.spark.exec.NullTrainer().train(segment, from, dataSha256, keep, describe);
        }
    }

    /** Trials submitted together are one Spark job; a task that fails takes its job down, but not its siblings' rows. */
    @Test
    void aTaskThatFailsInAJobOfSeveral_isAFailedRow_andItsSiblingsComplete() {
        Path out = dir.resolve("out-batch");
        SweepSpec spec = sweep("batch", "  learning_rate: [0.1, 0.05, 0.02, 0.01]\n  architecture: [{type: mlp, hidden: [16]}]\n");
        SweepDriver.Options o = new SweepDriver.Options(out.toString(), 4, false, 0, new PrintStream(new ByteArrayOutputStream()), false,
                List.of(), 1);
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC(), new ThrowsForOneTrial()).run(spec, o);
        assertEquals(4, s.ran());
        assertEquals(3, s.completed());
        Map<Double, Row> rows = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration()).table(spark).collectAsList()
                .stream().collect(Collectors.toMap(r -> (Double) r.getAs("learning_rate"), r -> r));
        assertEquals(4, rows.size());
        assertEquals("FAILED", rows.get(0.05).getAs("status"));
        assertTrue(rows.get(0.05).<String>getAs("error").contains("this task always fails"), rows.get(0.05).toString());
        for (double lr : List.of(0.1, 0.02, 0.01)) {
            assertEquals("COMPLETED", rows.get(lr).getAs("status"), "lr " + lr);
        }
    }

    /** Successive halving on local[2] with real training: one row per trial, one epochs row per epoch, no checkpoint left. */
    @Test
    void ashaSweep_pausesAndPromotes_leavingOneRowPerTrialAndOneRowPerEpoch() throws IOException {
        Path out = dir.resolve("out-asha");
        SweepSpec spec = SweepFileParser.parse("asha.yaml", """
                name: asha
                seed: 5
                dataset: {location: data, validation_split: 0.2}
                training: {epochs: 4}
                search:
                  architecture: [{type: mlp, hidden: [16]}]
                  learning_rate: [0.3, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005]
                  optimizer: [sgd]
                scheduler: {type: asha, min_epochs: 1, reduction_factor: 3}
                """.getBytes(StandardCharsets.UTF_8), dir);
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(spec, options(out, 2));
        assertEquals(9, s.ran());
        // Rungs 1, 3 and 4 epochs: 9 trials reach rung 0, 3 of them rung 1, 1 the top.
        assertEquals(9 + 3 * 2 + 1, s.epochs(), "epochs trained");
        Leaderboard lb = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration());
        List<Row> rows = lb.table(spark).collectAsList();
        assertEquals(9, rows.size());
        assertEquals(9, rows.stream().map(r -> r.getAs("trial_id")).distinct().count());
        assertEquals(1, rows.stream().filter(r -> "COMPLETED".equals(r.getAs("status"))).count(), rows.toString());
        assertEquals(8, rows.stream().filter(r -> "STOPPED".equals(r.getAs("status"))).count(), rows.toString());
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 3, 3, 4), rows.stream().map(r -> r.<Integer>getAs("epochs_run")).sorted().toList());
        assertEquals(List.of(0, 0, 0, 0, 0, 0, 1, 1, 2), rows.stream().map(r -> r.<Integer>getAs("rung")).sorted().toList());
        List<Row> epochs = lb.epochs(spark).collectAsList();
        assertEquals(16, epochs.size());
        assertEquals(16, epochs.stream().map(r -> r.getAs("trial_id") + "/" + r.getAs("epoch")).distinct().count(), "an epoch twice");
        Path checkpoints = out.resolve("checkpoints/sweep=asha");
        if (Files.exists(checkpoints)) {
            try (Stream<Path> left = Files.walk(checkpoints)) {
                assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "checkpoints left after the sweep");
            }
        }
        Row top = rows.stream().filter(r -> "COMPLETED".equals(r.getAs("status"))).findFirst().orElseThrow();
        assertTrue(top.<Double>getAs("val_accuracy") > 0.2, top.toString());

        SweepDriver.Summary again = new SweepDriver(spark, Clock.systemUTC()).run(spec, options(out, 2));
        assertEquals(0, again.ran(), "a rerun of a finished sweep trains nothing");
    }

    @Test
    void medianRule_stopsTrialsBelowTheMedian_oneEpochAtATime() {
        Path out = dir.resolve("out-median");
        SweepSpec spec = sweep("median", """
                  architecture: [{type: mlp, hidden: [16]}]
                  learning_rate: [0.2, 0.05, 0.0001, 0.00005]
                  optimizer: [sgd]
                """.replace("search:", "search:"));
        SweepSpec median = new SweepSpec(spec.name(), spec.seed(), spec.objective(), spec.dataset(),
                new io.sparksweep.core.spec.TrainingSpec(3, new io.sparksweep.core.spec.LrSchedule.Constant(), 256), spec.search(),
                new io.sparksweep.core.spec.SchedulerSpec.Median(1), spec.budget(), spec.fileSha256());
        SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(median, new SweepDriver.Options(out.toString(), 1, false, 0,
                new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1));
        assertEquals(4, s.ran());
        List<Row> rows = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration()).table(spark).collectAsList();
        assertTrue(rows.stream().anyMatch(r -> "STOPPED".equals(r.getAs("status"))), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> "COMPLETED".equals(r.getAs("status"))), rows.toString());
        assertTrue(s.epochs() < 12, "the median rule saved epochs: " + s.epochs());
    }
}
