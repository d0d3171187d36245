package io.sparksweep.spark.cli;

import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.spark.store.Leaderboard;
import io.sparksweep.spark.session.LocalWarmup;
import io.sparksweep.spark.session.SparkSessions;
import io.sparksweep.spark.driver.SweepDriver;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code sparksweep check}: this installation end to end on a generated data set, in a temporary folder
 * that is removed afterwards. It takes the paths a sweep takes (the sweep file parser, local Spark,
 * an MLP and a CNN trained as Spark tasks, the Parquet leaderboard, Spark SQL), which is also why the
 * launcher runs it to record the JVM's class archive.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check this installation: a 2-trial sweep (an MLP and a CNN) on a generated data set in local mode, "
                + "its leaderboard read back with Spark SQL; nothing is kept.",
        footer = {"", "Example:", "  sparksweep check"})
final class CheckCommand implements Callable<Integer> {

    static final String SWEEP = """
            name: check
            seed: 1
            dataset: {location: data, validation_split: 0.25}
            training: {epochs: 1}
            search:
              architecture: [mlp, cnn]
              optimizer: [{type: momentum, momentum: 0.9}]
              learning_rate: [0.05]
              batch_size: [32]
            """;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("sparksweep-check");
        try {
            SyntheticMnist.write(dir.resolve("data"), 256, 64, 1);
            SweepSpec sweep = SweepFileParser.parse("check.yaml", SWEEP.getBytes(StandardCharsets.UTF_8), dir);
            LocalWarmup.start(sweep);
            SparkSession spark = SparkSessions.create("sparksweep check", "local[*]", Map.of());
            try {
                String output = dir.resolve("out").toString();
                SweepDriver.Summary s = new SweepDriver(spark, Clock.systemUTC()).run(sweep, new SweepDriver.Options(output, 0, false, 1,
                        System.err, false, List.of(), 1));
                new Leaderboard(output, spark.sparkContext().hadoopConfiguration()).registerViews(spark);
                long rows = spark.sql("SELECT trial_id FROM leaderboard WHERE sweep = 'check' AND status = 'COMPLETED'").count();
                TopCommand.show(spark, sweep.name(), 2);
                boolean ok = s.completed() == s.planned() && rows == s.planned();
                out.printf(Locale.ROOT, "check: %s (%d of %d trials completed, %d read back with Spark SQL; Spark %s, ND4J backend %s)%n",
                        ok ? "OK" : "FAILED", s.completed(), s.planned(), rows, spark.version(), Nd4j.getBackend().getClass().getSimpleName());
                out.flush();
                return ok ? 0 : 1;
            } finally {
                spark.stop();
            }
        } finally {
            delete(dir);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
