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
import static org.junit.jupiter.api.Assertions.fail;

/** The ./sparksweep launcher run as a user runs it: a subprocess, its exit code and what it prints. */
class LauncherIT {

    @TempDir
    static Path dir;
    static Path launcher;
    static SparkSession reader;

    record Result(int exit, String out, String err) {
    }

    /** The line every JVM with the Vector API's module (conf/jvm.properties) prints as it starts, left out of {@link Result#err}. */
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector\n";

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
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            // What it was doing, for a hang seen on another machine: its threads, then what it printed.
            String threads = TestOutputs.threadDump(p);
            p.destroyForcibly().waitFor();
            fail("launcher did not finish in 5 minutes: " + cmd + "\n--- threads:\n" + threads + "\n--- stdout:\n" + Files.readString(out)
                    + "\n--- stderr:\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err).replace(INCUBATOR_WARNING, ""));
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
        assertTrue(r.err().contains("search.optimizr: found an unknown key; allowed: one of strategy, trials, tpe, learning_rate, "
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

    /** A row file truncated on disk: queries name it and answer without it; the next run moves it aside and retrains that trial. */
    @Test
    void corruptRowFile_isNamedBySql_andARerunMovesItAsideAndRetrains() throws Exception {
        Path file = sweep("corrupt", "training: {epochs: 1}\nsearch: {architecture: [{type: mlp, hidden: [16]}, {type: mlp, hidden: [8]}]}\n");
        Result first = run("run", file.toString(), "--output", "out-corrupt");
        assertEquals(0, first.exit(), first.out() + first.err());
        Path rows = dir.resolve("out-corrupt/leaderboard/sweep=corrupt");
        Path victim;
        try (var files = Files.list(rows)) {
            victim = files.filter(p -> p.getFileName().toString().startsWith("trial-")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Result sql = run("sql", "SELECT count(*) AS n FROM leaderboard", "--output", "out-corrupt");
        assertEquals(0, sql.exit(), sql.err());
        assertTrue(sql.err().contains("skipping the row file " + victim.toUri().toString().replace("file:///", "file:/")) || sql.err().contains(victim.toString()),
                sql.err());
        assertTrue(sql.err().contains("it cannot be read"), sql.err());
        assertTrue(sql.out().contains("|1  |"), sql.out());
        assertTrue(!sql.err().contains("\tat org.apache"), "no stack trace:\n" + sql.err());

        Result again = run("run", file.toString(), "--output", "out-corrupt");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("2 planned, 1 already done, 1 run (1 completed"), again.out());
        assertTrue(again.err().contains("cannot be read") && again.err().contains("moved aside to") && again.err().contains("quarantine"), again.err());
        assertEquals(2, rows(dir.resolve("out-corrupt")).size());
    }

    @Test
    void unwritableOutput_isRefusedBeforeSparkStarts() throws Exception {
        Path file = sweep("unwritable", "training: {epochs: 1}\nsearch: {architecture: [{type: mlp, hidden: [8]}]}\n");
        Path notAFolder = Files.writeString(dir.resolve("a-file"), "x");
        Result r = run("run", file.toString(), "--output", notAFolder.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("sparksweep: the output " + notAFolder + " is a file, not a folder; choose another --output"), r.err());
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        readOnly.toFile().setWritable(false);
        try {
            if (!Files.isWritable(readOnly)) {
                Result ro = run("run", file.toString(), "--output", readOnly.resolve("out").toString());
                assertEquals(2, ro.exit(), ro.out() + ro.err());
                assertTrue(ro.err().contains("sparksweep: cannot write under the output " + readOnly.resolve("out")), ro.err());
                assertTrue(!ro.err().contains("SparkContext"), "Spark never started:\n" + ro.err());
            }
        } finally {
            readOnly.toFile().setWritable(true);
        }
    }

    @Test
    void queriesOfAMissingOrEmptyOutput_sayThereIsNoLeaderboard() throws Exception {
        Result missing = run("sql", "SELECT count(*) FROM leaderboard", "--output", "no-such-folder");
        assertEquals(2, missing.exit(), missing.out() + missing.err());
        assertTrue(missing.err().contains("sparksweep: no leaderboard at no-such-folder: the folder does not exist"), missing.err());
        Result top = run("top", "--output", "no-such-folder");
        assertEquals(2, top.exit());
        Files.createDirectories(dir.resolve("empty-output"));
        Result empty = run("top", "--output", "empty-output");
        assertEquals(0, empty.exit(), empty.err());
        assertTrue(empty.err().contains("no leaderboard at empty-output yet: no sweep has written a row there"), empty.err());
        Path file = sweep("known", "training: {epochs: 1}\nsearch: {architecture: [{type: mlp, hidden: [8]}]}\n");
        assertEquals(0, run("run", file.toString(), "--output", "out-known").exit());
        Result unknown = run("top", "--sweep", "nope", "--output", "out-known");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("sparksweep: no sweep nope at out-known; the sweeps there: known"), unknown.err());
    }

    /** Two runs of one sweep into one output, started together: one runs it, the other says who does and exits 4, or waits. */
    @Test
    void twoRunsOfOneSweep_startedTogether_oneRunsAndTheOtherSaysWho() throws Exception {
        Path file = sweep("twice", "training: {epochs: 2}\nsearch:\n  architecture: [{type: mlp, hidden: [64]}]\n  learning_rate: [0.1, 0.05, 0.02]\n");
        for (int round = 0; round < 3; round++) {
            String out = "out-twice-" + round;
            boolean wait = round == 2;
            List<String> args = new ArrayList<>(List.of("run", file.toString(), "--output", out));
            if (wait) {
                args.add("--wait");
            }
            Path logA = dir.resolve("twice-a-" + round + ".log");
            Path logB = dir.resolve("twice-b-" + round + ".log");
            Process a = start(logA, args.toArray(String[]::new));
            Process b = start(logB, args.toArray(String[]::new));
            assertTrue(a.waitFor(5, TimeUnit.MINUTES) && b.waitFor(5, TimeUnit.MINUTES), "round " + round);
            String textA = Files.readString(logA);
            String textB = Files.readString(logB);
            List<Integer> exits = List.of(a.exitValue(), b.exitValue());
            if (wait) {
                assertEquals(List.of(0, 0), exits, textA + textB);
                assertTrue(textA.contains("3 planned, 3 already done, 0 run") || textB.contains("3 planned, 3 already done, 0 run"),
                        "the second run waited, then found the sweep done:\n" + textA + textB);
            } else {
                assertTrue(exits.contains(0) && exits.contains(4), "round " + round + ": exits " + exits + "\n" + textA + textB);
                String busy = a.exitValue() == 4 ? textA : textB;
                assertTrue(busy.contains("sparksweep: sweep twice is being run into this output by pid "), busy);
            }
            List<Row> rows = rows(dir.resolve(out));
            assertEquals(3, rows.size(), "round " + round);
            assertEquals(3, rows.stream().map(r -> r.getAs("trial_id")).distinct().count());
        }
    }

    /** The embedded default (no --master) listens on 127.0.0.1 only: the driver, its block manager and the UI. */
    @Test
    void embeddedDefault_listensOnLoopbackOnly() throws Exception {
        Path file = sweep("loopback", "training: {epochs: 6}\nsearch:\n  architecture: [{type: mlp, hidden: [256, 256]}]\n"
                + "  learning_rate: [0.05, 0.04, 0.03]\n");
        Process p = start(dir.resolve("loopback.log"), "run", file.toString(), "--output", "out-loopback", "--parallelism", "1");
        try {
            List<ListeningSockets.Socket> sockets = List.of();
            long until = System.currentTimeMillis() + 120_000;
            while (p.isAlive() && System.currentTimeMillis() < until && TestOutputs.committedRows(dir.resolve("out-loopback"), "loopback") == 0) {
                sockets = ListeningSockets.of(p.pid());
                Thread.sleep(200);
            }
            assertTrue(sockets.size() >= 3, "the driver's RPC, block manager and UI listen: " + sockets + "\n"
                    + Files.readString(dir.resolve("loopback.log")));
            for (ListeningSockets.Socket socket : sockets) {
                assertTrue(socket.loopback(), "listening beyond 127.0.0.1: " + socket + " of " + sockets);
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /** kill -9 of the driver of a successive-halving sweep, then the same command: it goes on from the committed rungs. */
    @Test
    void ashaDriverKilled_rerunGoesOnFromTheCommittedRungs_noEpochTwice() throws Exception {
        Path file = sweep("asha-killed", "training: {epochs: 4}\nscheduler: {type: asha, min_epochs: 1, reduction_factor: 3}\n"
                + "search:\n  architecture: [{type: mlp, hidden: [256, 256]}]\n"
                + "  learning_rate: [0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01]\n");
        Path out = dir.resolve("out-asha-killed");
        Process driver = start(dir.resolve("asha-killed-1.log"), "run", file.toString(), "--output", out.toString(), "--parallelism", "1");
        long until = System.currentTimeMillis() + 240_000;
        while (TestOutputs.committedRows(out, "asha-killed") < 4 && driver.isAlive() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        driver.destroyForcibly();
        driver.waitFor();
        List<Row> before = rows(out);
        assertTrue(before.size() >= 4 && before.stream().anyMatch(r -> "PAUSED".equals(r.getAs("status"))),
                "killed with paused trials: " + before + "\n" + Files.readString(dir.resolve("asha-killed-1.log")));

        Result rerun = run("run", file.toString(), "--output", out.toString(), "--parallelism", "1");
        assertEquals(0, rerun.exit(), rerun.out() + rerun.err());
        List<Row> after = rows(out);
        assertEquals(9, after.size());
        assertEquals(9, after.stream().map(r -> r.getAs("trial_id")).distinct().count());
        assertTrue(after.stream().noneMatch(r -> "PAUSED".equals(r.getAs("status"))), after.toString());
        List<Row> epochs = new Leaderboard(out.toString(), reader.sparkContext().hadoopConfiguration()).epochs(reader).collectAsList();
        assertEquals(epochs.size(), epochs.stream().map(r -> r.getAs("trial_id") + "/" + r.getAs("epoch")).distinct().count(),
                "an epoch trained twice: " + epochs.size() + " rows");
        assertEquals(16, epochs.size(), "9 trials at 1 epoch, 3 at 3, 1 at 4");
    }
}
