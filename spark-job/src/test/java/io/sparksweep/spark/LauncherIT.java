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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ./sparksweep launcher run as a user runs it: a subprocess, its exit code and what it prints. */
class LauncherIT {

    @TempDir
    static Path dir;
    static Path launcher;
    static SparkSession reader;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        launcher = Path.of(System.getProperty("sparksweep.root"), "sparksweep").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(launcher), launcher + " is not executable");
        SyntheticMnist.write(dir.resolve("data"), 2000, 200, 9);
        reader = TestOutputs.reader();
        recordsTheClassArchiveOnItsFirstRun();
    }

    /**
     * The first run after a build records the JVM's class archive by running {@code sparksweep check};
     * the later runs (every other test here) map it. Unless the environment turned it off.
     */
    private static void recordsTheClassArchiveOnItsFirstRun() throws IOException, InterruptedException {
        Path target = launcher.getParent().resolve("spark-job/target");
        Result first = run("--version");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("sparksweep "), first.out());
        if ("off".equals(System.getenv("SPARKSWEEP_CLASS_ARCHIVE"))) {
            return;
        }
        Path archive = target.resolve("sparksweep.jsa");
        assertTrue(Files.isRegularFile(archive), "no class archive after the first run:\n" + first.err()
                + (Files.exists(target.resolve("sparksweep-check.log")) ? Files.readString(target.resolve("sparksweep-check.log")) : ""));
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(target.resolve("sparksweep.jar"))) >= 0,
                "the archive is older than the jar");
        Result second = run("--version");
        assertEquals(0, second.exit(), second.err());
        assertEquals("", second.err(), "the second run records nothing and the JVM does not complain about the archive");
    }

    @Test
    void check_trainsAndReadsBackItsTwoTrials() throws Exception {
        Result r = run("check");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("check: OK (2 of 2 trials completed, 2 read back with Spark SQL"), r.out());
        assertTrue(r.out().contains("|check|") && r.out().contains("|cnn ") && r.out().contains("|mlp "), r.out());
    }

    @AfterAll
    static void tearDown() {
        reader.stop();
    }

    private static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "launcher did not finish: " + cmd);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path sweep(String name, String body) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "name: " + name + "\nseed: 4\ndataset: {location: data}\n" + body);
        return file;
    }

    @Test
    void validate_confQuickstart_listsItsFourTrials() throws Exception {
        Result r = run("validate", Path.of(System.getProperty("sparksweep.root"), "conf/sweeps/quickstart.yaml").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("sweep quickstart is valid: 4 trials"), r.out());
    }

    @Test
    void validate_brokenFile_listsEveryProblemAndExitsTwo() throws Exception {
        Path bad = sweep("broken", "training: {epochs: 0}\nsearch: {learning_rate: [0.1, -1], optimizr: [adam]}\n");
        Result r = run("validate", bad.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("3 problems in sweep file:"), r.err());
        assertTrue(r.err().contains(bad + ": training.epochs: found 0; allowed: an integer from 1 to 10000"), r.err());
        assertTrue(r.err().contains(bad + ": search.learning_rate[1]: found -1; allowed: a number > 0"), r.err());
        assertTrue(r.err().contains("search.optimizr: found an unknown key; allowed: one of strategy, trials, learning_rate, "
                + "batch_size, optimizer, architecture, dropout, weight_decay (did you mean 'optimizer'?)"), r.err());
    }

    @Test
    void run_tinySweep_thenSqlAnswers() throws Exception {
        Path file = sweep("tiny", "training: {epochs: 1}\nsearch: {architecture: [{type: mlp, hidden: [16]}, {type: mlp, hidden: [8]}]}\n");
        Result r = run("run", file.toString(), "--output", "out-tiny");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("sweep tiny: 2 planned, 0 already done, 2 run (2 completed, 0 failed or diverged)"), r.out());
        assertTrue(r.out().contains("|tiny "), r.out());

        Result sql = run("sql", "SELECT architecture, max(test_accuracy) AS best FROM leaderboard GROUP BY architecture ORDER BY architecture",
                "--output", "out-tiny");
        assertEquals(0, sql.exit(), sql.err());
        assertTrue(sql.out().contains("|mlp[16]     |") && sql.out().contains("|mlp[8]      |"), sql.out());

        Result again = run("run", file.toString(), "--output", "out-tiny");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("2 planned, 2 already done, 0 run"), again.out());
    }

    /** A driver killed mid-sweep (kill -9) loses no committed row; the rerun finishes without repeating one. */
    @Test
    void run_driverKilledMidSweep_rerunFinishesWithoutRepeatingCommittedTrials() throws Exception {
        Path file = sweep("killed", "training: {epochs: 4}\nsearch:\n  architecture: [{type: mlp, hidden: [256, 256]}]\n"
                + "  learning_rate: [0.05, 0.04, 0.03, 0.02, 0.01]\n");
        Path out = dir.resolve("out-killed");
        Process driver = start(dir.resolve("killed-1.log"), "run", file.toString(), "--output", out.toString(), "--parallelism", "1");
        long until = System.currentTimeMillis() + 240_000;
        while (TestOutputs.committedRows(out, "killed") < 2 && driver.isAlive() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        driver.destroyForcibly();
        driver.waitFor();
        long before = TestOutputs.committedRows(out, "killed");
        assertTrue(before >= 2 && before < 5, "kill came too late: " + before + " rows\n" + Files.readString(dir.resolve("killed-1.log")));
        Map<String, Object> startedBefore = rows(out).stream().collect(Collectors.toMap(r -> r.getAs("trial_id"), r -> r.getAs("started_at")));

        Result rerun = run("run", file.toString(), "--output", out.toString(), "--parallelism", "1");
        assertEquals(0, rerun.exit(), rerun.out() + rerun.err());
        assertTrue(rerun.out().contains("5 planned, " + before + " already done, " + (5 - before) + " run"), rerun.out());
        List<Row> after = rows(out);
        assertEquals(5, after.size());
        assertEquals(5, after.stream().map(r -> r.getAs("trial_id")).distinct().count());
        for (Row r : after) {
            if (startedBefore.containsKey(r.<String>getAs("trial_id"))) {
                assertEquals(startedBefore.get(r.<String>getAs("trial_id")), r.getAs("started_at"), "trial " + r.getAs("trial_id") + " ran twice");
            }
        }
    }

    private static List<Row> rows(Path out) {
        return new Leaderboard(out.toString(), reader.sparkContext().hadoopConfiguration()).table(reader).collectAsList();
    }
}
