package io.sparksweep.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sparksweep} command line: {@code run}, {@code validate}, {@code sql}, {@code top}, {@code bench}, {@code bench-driver} and {@code check}.
 * Exit codes: 0 success, 1 an unexpected error, 2 invalid input (the sweep file or an option),
 * 3 a sweep that finished with FAILED or DIVERGED trials, 4 a sweep that another run is running into the same output.
 */
@Command(name = "sparksweep", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Hyperparameter sweeps of Deeplearning4j models on Apache Spark, with a Parquet leaderboard.",
        subcommands = {RunCommand.class, ValidateCommand.class, SqlCommand.class, TopCommand.class, ReportCommand.class, RefitCommand.class, PredictCommand.class, BenchCommand.class, DriverBenchCommand.class, CheckCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  sparksweep run conf/sweeps/quickstart.yaml",
                "  sparksweep validate conf/sweeps/tutorial.yaml",
                "  sparksweep sql \"SELECT architecture, max(test_accuracy) FROM leaderboard GROUP BY architecture\"",
                "  sparksweep top 10 --sweep quickstart"})
public final class SparkSweepCli {

    static final int INVALID_INPUT = 2;
    static final int TRIALS_FAILED = 3;
    static final int SWEEP_BUSY = 4;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new SparkSweepCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sparksweep: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                cmd.getErr().println("  caused by: " + c);
            }
            return 1;
        }).execute(args);
    }
}
