package io.sparksweep.spark;

import io.sparksweep.spark.store.Leaderboard;

import io.sparksweep.core.data.SyntheticMnist;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application jar submitted with SparkSubmit to a real standalone cluster on 127.0.0.1 (a Master
 * and two Workers of one core each, spark.authenticate on): the sweep spreads over both workers, and with
 * one Worker killed (kill -9) while trials run it still ends with exactly one COMPLETED row per trial.
 */
class StandaloneClusterIT {

    static final int TRIALS = 6;

    @TempDir
    static Path dir;
    static Path sparkHome;
    static Path appJar;
    static Path sweepFile;
    static Path ashaFile;
    static SparkSession reader;

    @BeforeAll
    static void setUp() throws IOException {
        sparkHome = Path.of(System.getProperty("sparksweep.sparkHome")).toAbsolutePath().normalize();
        appJar = Path.of(System.getProperty("sparksweep.appJar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(appJar), "build the application jar first (mvn package): " + appJar);
        assertTrue(Files.isDirectory(sparkHome.resolve("jars")), "no Spark jars in " + sparkHome);
        SyntheticMnist.write(dir.resolve("data"), 3000, 300, 3);
        sweepFile = dir.resolve("cluster.yaml");
        Files.writeString(sweepFile, """
                name: cluster
                seed: 11
                dataset: {location: data, validation_split: 0.2}
                training: {epochs: 6}
                search:
                  architecture: [{type: mlp, hidden: [256, 256]}]
                  learning_rate: [0.05, 0.02, 0.01]
                  batch_size: [16, 32]
                """);
        ashaFile = dir.resolve("cluster-asha.yaml");
        Files.writeString(ashaFile, Files.readString(sweepFile).replace("name: cluster", "name: cluster-asha")
                + "scheduler: {type: asha, min_epochs: 2, reduction_factor: 3}\n");
        reader = TestOutputs.reader();
    }

    @AfterAll
    static void tearDown() {
        reader.stop();
    }

    private static Process submit(StandaloneCluster cluster, Path out, Path log, String... conf) throws IOException {
        return submitFile(cluster, sweepFile, out, log, conf);
    }

    private static Process submitFile(StandaloneCluster cluster, Path file, Path out, Path log, String... conf) throws IOException {
        return submitApp(cluster, log, List.of("run", file.toString(), "--output", out.toString(), "--keep-models", "1"), conf);
    }

    private static Process submitApp(StandaloneCluster cluster, Path log, List<String> app, String... conf) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--class", "io.sparksweep.spark.cli.SparkSweepCli",
                "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=1",
                "--conf", "spark.kryo.registrationRequired=true", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE"));
        for (String c : conf) {
            args.addAll(List.of("--conf", c));
        }
        return cluster.submit(args, appJar, app, log);
    }

    private static String finish(Process p, Path log, int minutes) throws Exception {
        boolean ended = p.waitFor(minutes, TimeUnit.MINUTES);
        String text = Files.readString(log);
        if (!ended) {
            p.destroyForcibly();
            throw new AssertionError(log + " did not finish; it ends:\n" + text.substring(Math.max(0, text.length() - 4000)));
        }
        assertEquals(0, p.exitValue(), text.substring(Math.max(0, text.length() - 6000)));
        return text;
    }

    /**
     * Each Worker advertises two GPUs through a discovery script (addresses 0,1 and 2,3: fake, on the
     * CPU backend); each executor takes one and each trial half of one. Every row records the address
     * Spark gave it, and no address ever holds more than two trials at once.
     */
    @Test
    void gpuResources_halfAGpuPerTrial_neverMoreThanTwoTrialsPerAddress() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("gpu-scripts"));
        for (int w = 0; w < 2; w++) {
            Path script = scripts.resolve("gpus-" + w + ".sh");
            Files.writeString(script, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"" + (2 * w) + "\",\"" + (2 * w + 1) + "\"]}'\n");
            script.toFile().setExecutable(true);
        }
        // Workers started with plain java (not spark-class) read their settings from --properties-file.
        for (int w = 0; w < 2; w++) {
            Files.writeString(scripts.resolve("worker-" + w + ".conf"), "spark.worker.resource.gpu.amount 2\n"
                    + "spark.worker.resource.gpu.discoveryScript " + scripts.resolve("gpus-" + w + ".sh") + "\n");
        }
        java.util.function.IntFunction<List<String>> args = w -> List.of("--properties-file", scripts.resolve("worker-" + w + ".conf").toString());
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, dir.resolve("gpu-cluster"), 2, 2, args)) {
            Path out = dir.resolve("out-gpu");
            Path log = dir.resolve("driver-gpu.log");
            Process driver = submit(cluster, out, log, "spark.executor.cores=2", "spark.executor.resource.gpu.amount=1",
                    "spark.task.resource.gpu.amount=0.5");
            if (!driver.waitFor(5, TimeUnit.MINUTES)) {
                driver.destroyForcibly();
                String text = Files.readString(log);
                throw new AssertionError("driver did not finish; its log ends:\n" + text.substring(Math.max(0, text.length() - 4000)));
            }
            assertEquals(0, driver.exitValue(), Files.readString(log));
            List<Row> rows = rows(out);
            assertEquals(TRIALS, rows.size());
            java.util.regex.Pattern assigned = java.util.regex.Pattern.compile("cpu \\(gpu:([0-3]) assigned\\)");
            Map<String, List<Row>> byAddress = new java.util.HashMap<>();
            for (Row r : rows) {
                java.util.regex.Matcher m = assigned.matcher(r.<String>getAs("device"));
                assertTrue(m.matches(), "no GPU address on " + r);
                byAddress.computeIfAbsent(r.getAs("executor_id") + "/" + m.group(1), k -> new java.util.ArrayList<>()).add(r);
            }
            for (Map.Entry<String, List<Row>> e : byAddress.entrySet()) {
                for (Row r : e.getValue()) {
                    java.sql.Timestamp t = r.getAs("started_at");
                    long overlapping = e.getValue().stream().filter(o -> !o.<java.sql.Timestamp>getAs("started_at").after(t)
                            && o.<java.sql.Timestamp>getAs("finished_at").after(t)).count();
                    assertTrue(overlapping <= 2, overlapping + " trials at once on " + e.getKey() + ": " + e.getValue());
                }
            }
        }
    }

    /**
     * Refit on the two-Worker cluster, of a trial trained on a slice of Fashion-MNIST (the tutorial's MLP, 12,000
     * training images): in one task, and across both executors with dl4j-spark's parameter averaging. Both
     * executors train minibatches, and the two test accuracies (2,000 test images) are within 1.5 points.
     */
    @Test
    void refit_dataParallel_trainsOnBothExecutors_withinOneAndAHalfPointsOfTheOneTaskRefit() throws Exception {
        // -Dsparksweep.refit.images=60000 -Dsparksweep.refit.epochs=5 measures the whole training set (docs/performance.md)
        int images = Integer.getInteger("sparksweep.refit.images", 12000);
        String epochs = System.getProperty("sparksweep.refit.epochs", "5");
        Path file = dir.resolve("refit-slice.yaml");
        Files.writeString(file, """
                name: refit-slice
                seed: 5
                dataset: {name: fashion-mnist, train_limit: %d, test_limit: 2000, validation_split: 0.1}
                training: {epochs: 1}
                search:
                  architecture: [mlp]
                  optimizer: [{type: momentum, momentum: 0.9}]
                  learning_rate: [0.01]
                  batch_size: [64]
                """.formatted(images));
        Path out = dir.resolve("out-refit");
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, dir.resolve("refit-cluster"), 2, 1, i -> List.of())) {
            finish(submitApp(cluster, dir.resolve("refit-sweep.log"), List.of("run", file.toString(), "--output", out.toString())), dir.resolve("refit-sweep.log"), 10);
            String one = finish(submitApp(cluster, dir.resolve("refit-one.log"), List.of("refit", "--output", out.toString(), "--epochs", epochs)),
                    dir.resolve("refit-one.log"), 30);
            String parallel = finish(submitApp(cluster, dir.resolve("refit-parallel.log"),
                    List.of("refit", "--output", out.toString(), "--epochs", epochs, "--data-parallel")), dir.resolve("refit-parallel.log"), 30);
            List<Row> refits = TestOutputs.view(reader, out, "refits");
            Row oneTask = refits.stream().filter(r -> "one-task".equals(r.getAs("mode"))).findFirst().orElseThrow();
            Row dp = refits.stream().filter(r -> "data-parallel".equals(r.getAs("mode"))).findFirst().orElseThrow(() -> new AssertionError(parallel));
            System.out.printf(java.util.Locale.ROOT, "refit on two Workers, %s epochs on %,d images: one task %.4f in %.1f s; data-parallel %.4f in %.1f s "
                            + "(executors %s, averaging every %d minibatches)%n", epochs, images, oneTask.<Double>getAs("test_accuracy"), oneTask.<Double>getAs("train_seconds"),
                    dp.<Double>getAs("test_accuracy"), dp.<Double>getAs("train_seconds"), dp.getAs("executor_id"), dp.<Integer>getAs("averaging_frequency"));
            assertEquals(2, dp.<Integer>getAs("workers"));
            assertEquals(2, dp.<String>getAs("executor_id").split(",").length, "both executors trained: " + parallel);
            assertEquals(images, dp.<Integer>getAs("train_images"));
            assertEquals(oneTask.<Double>getAs("test_accuracy"), dp.<Double>getAs("test_accuracy"), 0.015, one + "\n" + parallel);
        }
    }

    private static List<Row> rows(Path out) {
        return new Leaderboard(out.toString(), reader.sparkContext().hadoopConfiguration()).table(reader).collectAsList();
    }

    static final String SECRET = "sweep-test-secret";
    static final String[] WITH_SECRET = {"spark.authenticate=true", "spark.authenticate.secret=" + SECRET};

    /**
     * On a cluster with spark.authenticate on (the Master's and Workers' shared secret), a client without the
     * secret is refused; the sweep's driver, with it, spreads over both Workers; with one Worker killed (kill
     * -9) while trials run, it still ends with exactly one COMPLETED row per trial.
     */
    @Test
    void sweepOnTwoWorkers_thenWithOneKilled_endsWithOneRowPerTrial() throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, dir.resolve("cluster"), 2, 1, i -> List.of(), SECRET)) {
            Path refusedLog = dir.resolve("driver-no-secret.log");
            Process refused = submit(cluster, dir.resolve("out-refused"), refusedLog);
            long until = System.currentTimeMillis() + 120_000;
            Path masterLog = cluster.dir().resolve("master.log");
            while (refused.isAlive() && System.currentTimeMillis() < until
                    && !Files.readString(masterLog).contains("Expected SaslMessage") && !Files.readString(refusedLog).contains("unresponsive")) {
                Thread.sleep(200);
            }
            refused.destroyForcibly().waitFor();
            String masterText = Files.readString(masterLog);
            assertTrue(masterText.contains("Expected SaslMessage, received something else"),
                    "the Master refused the client without the secret:\n" + masterText.substring(Math.max(0, masterText.length() - 3000)));
            assertEquals(0, TestOutputs.committedRows(dir.resolve("out-refused"), "cluster"), "the refused client trained nothing");

            Path out = dir.resolve("out-both");
            Process driver = submit(cluster, out, dir.resolve("driver-both.log"), WITH_SECRET);
            assertTrue(driver.waitFor(6, TimeUnit.MINUTES), "driver did not finish");
            assertEquals(0, driver.exitValue(), Files.readString(dir.resolve("driver-both.log")));
            List<Row> rows = rows(out);
            assertEquals(TRIALS, rows.size());
            assertEquals(TRIALS, rows.stream().map(r -> r.getAs("trial_id")).distinct().count());
            assertTrue(rows.stream().allMatch(r -> "COMPLETED".equals(r.getAs("status"))), rows.toString());
            long executors = rows.stream().map(r -> r.<String>getAs("executor_id")).distinct().count();
            assertEquals(2, executors, "trials ran on " + executors + " executors: " + rows);

            // Successive halving over the same space, new output: one Worker dies (kill -9) right after the first
            // commit, while the other segment in flight runs on it; that segment runs again elsewhere.
            Path out2 = dir.resolve("out-kill");
            Path log = dir.resolve("driver-kill.log");
            Process driver2 = submitFile(cluster, ashaFile, out2, log, WITH_SECRET);
            until = System.currentTimeMillis() + 300_000;
            while (TestOutputs.committedRows(out2, "cluster-asha") == 0 && driver2.isAlive() && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            long committed = TestOutputs.committedRows(out2, "cluster-asha");
            assertTrue(committed > 0 && committed < TRIALS, "kill came too late: " + committed + " rows");
            cluster.killWorker(1);
            assertTrue(driver2.waitFor(6, TimeUnit.MINUTES), "driver did not finish after the worker was killed");
            String driverLog = Files.readString(log);
            assertEquals(0, driver2.exitValue(), driverLog);
            assertTrue(driverLog.contains("Lost executor") || driverLog.contains("ExecutorLostFailure"),
                    "the killed worker's executor was not running a task:\n" + driverLog);
            List<Row> after = rows(out2);
            assertEquals(TRIALS, after.size());
            assertEquals(TRIALS, after.stream().map(r -> r.getAs("trial_id")).distinct().count());
            assertTrue(after.stream().allMatch(r -> "COMPLETED".equals(r.getAs("status")) || "STOPPED".equals(r.getAs("status"))), after.toString());
            assertEquals(2, after.stream().filter(r -> "COMPLETED".equals(r.getAs("status"))).count(), "rungs 2 and 6 epochs: 2 of 6 promoted " + after);
            List<Row> epochs = new Leaderboard(out2.toString(), reader.sparkContext().hadoopConfiguration()).epochs(reader).collectAsList();
            assertEquals(epochs.size(), epochs.stream().map(r -> r.getAs("trial_id") + "/" + r.getAs("epoch")).distinct().count());
        }
    }
}
