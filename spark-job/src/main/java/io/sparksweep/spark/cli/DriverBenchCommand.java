package io.sparksweep.spark.cli;

import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.spark.driver.SweepDriver;
import io.sparksweep.spark.exec.NullTrainer;
import io.sparksweep.spark.session.SparkSessions;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sparksweep bench-driver}: the driver loop's own throughput, with trials that train nothing
 * ({@link NullTrainer}) on {@code local[SLOTS]}: the sampler, one Spark job per trial, the executors'
 * commits and the driver's bookkeeping are all real. Then the same sweep again, which only reads its rows
 * back and finds nothing to do: the cost of a resume. One JSON line per slot count.
 */
@Command(name = "bench-driver", mixinStandardHelpOptions = true,
        description = "Time the driver loop with trials that train nothing: trials committed per second at each slot count, "
                + "then the resume of that many rows. One JSON line per slot count.",
        footer = {"", "Example:", "  sparksweep bench-driver --slots 2,64,512 --trials 2000"})
final class DriverBenchCommand implements Callable<Integer> {

    @Option(names = "--slots", split = ",", defaultValue = "2,64,512", description = "Slot counts to run (default: ${DEFAULT-VALUE}).")
    List<Integer> slots;

    @Option(names = "--trials", defaultValue = "2000", description = "Trials per run (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--strategy", defaultValue = "random", description = "random or tpe (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--output", description = "Where the rows go (default: a temporary folder, removed afterwards).")
    Path output;

    @Override
    public Integer call() throws IOException {
        Path root = output != null ? output : Files.createTempDirectory("sparksweep-bench-driver");
        try {
            for (int s : slots) {
                run(root.resolve("slots-" + s), s);
            }
        } finally {
            if (output == null) {
                CheckCommand.delete(root);
            }
        }
        return 0;
    }

    private void run(Path out, int slotCount) {
        String yaml = String.format(Locale.ROOT, """
                name: bench-driver
                dataset: {location: "hdfs://unused/data"}
                training: {epochs: 1}
                search:
                  strategy: %s
                  trials: %d
                  learning_rate: {min: 0.0001, max: 0.5, log: true}
                  batch_size: [32, 64, 128]
                """, strategy, trials);
        SweepSpec sweep = SweepFileParser.parse("bench-driver.yaml", yaml.getBytes(StandardCharsets.UTF_8), Path.of("."));
        SparkSession spark = SparkSessions.create("sparksweep bench-driver", "local[" + slotCount + "]",
                Map.of("spark.ui.enabled", "false"));
        try {
            SweepDriver.Options o = new SweepDriver.Options(out.toString(), slotCount, false, 0,
                    new PrintStream(new ByteArrayOutputStream()), false, List.of(), 1);
            SweepDriver.Summary first = new SweepDriver(spark, Clock.systemUTC(), new NullTrainer()).run(sweep, o);
            long t0 = System.nanoTime();
            SweepDriver.Summary again = new SweepDriver(spark, Clock.systemUTC(), new NullTrainer()).run(sweep, o);
            double resume = (System.nanoTime() - t0) / 1e9;
            long rows = new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration()).rows(sweep.name()).size();
            System.out.printf(Locale.ROOT, "{\"bench\": \"driver\", \"strategy\": \"%s\", \"slots\": %d, \"trials\": %d, \"seconds\": %.2f, "
                            + "\"trials_per_second\": %.1f, \"rows\": %d, \"resume_seconds\": %.2f, \"resume_ran\": %d}%n",
                    strategy, slotCount, first.ran(), first.wallSeconds(), first.ran() / first.wallSeconds(), rows, resume, again.ran());
        } finally {
            spark.stop();
        }
    }
}
