package io.sparksweep.spark.cli;

import io.sparksweep.core.spec.SweepFileException;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.data.IdxFormatException;
import io.sparksweep.spark.exec.DataSetTrainer;
import io.sparksweep.spark.report.ReportWriter;
import io.sparksweep.spark.store.Leaderboard;
import io.sparksweep.spark.store.SweepLease;
import org.apache.hadoop.conf.Configuration;
import io.sparksweep.spark.session.LocalWarmup;
import io.sparksweep.spark.driver.SweepDriver;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sparksweep run FILE}: the sweep, trial by trial, into the leaderboard. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a sweep: every planned trial that has no row yet trains as a Spark task; results land in OUTPUT/leaderboard as they finish.",
        footer = {"", "Examples:",
                "  sparksweep run conf/sweeps/quickstart.yaml",
                "  sparksweep run conf/sweeps/quickstart.yaml --output /data/sweeps --parallelism 2",
                "  sparksweep run conf/sweeps/tutorial.yaml --master spark://10.0.0.5:7077 --rerun-failed"})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "The sweep file (YAML or JSON).")
    Path file;

    @Mixin
    OutputOption output;

    @Mixin
    SessionOptions session;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "N", defaultValue = "0",
            description = "Trials in flight at once (default: the executors' task slots, cores / spark.task.cpus).")
    int parallelism;

    @Option(names = "--rerun-failed", description = "Also rerun trials whose row is FAILED or DIVERGED (COMPLETED ones are always skipped).")
    boolean rerunFailed;

    @Option(names = "--keep-models", paramLabel = "K", defaultValue = "3",
            description = "Keep the DL4J model files of the best K trials (default: ${DEFAULT-VALUE}); 0 keeps none.")
    int keepModels;

    @Option(names = "--devices", split = ",", paramLabel = "ADDR",
            description = "Local mode: GPU addresses to lease to trials, e.g. 0,1 (default: every visible GPU on the CUDA backend, none on the CPU). "
                    + "On a cluster Spark assigns GPUs (spark.task.resource.gpu.amount).")
    java.util.List<String> devices = new java.util.ArrayList<>();

    @Option(names = "--trials-per-device", paramLabel = "N", defaultValue = "1",
            description = "Local mode: trials sharing one device at once (default: ${DEFAULT-VALUE}).")
    int trialsPerDevice;

    @Option(names = "--top", paramLabel = "N", defaultValue = "5", description = "Trials to list at the end (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--wait", description = "When another run of this sweep holds its output, wait for it to finish instead of exiting (exit 4).")
    boolean waitForLease;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SweepSpec sweep;
        try {
            sweep = parse();
        } catch (SweepFileException e) {
            err.println(e.getMessage());
            return SparkSweepCli.INVALID_INPUT;
        }
        if (parallelism < 0 || keepModels < 0 || trialsPerDevice < 1) {
            err.println("sparksweep: --parallelism and --keep-models must be >= 0 and --trials-per-device >= 1, found "
                    + parallelism + ", " + keepModels + " and " + trialsPerDevice);
            return SparkSweepCli.INVALID_INPUT;
        }
        err.println("sparksweep: sweep " + sweep.name() + " from " + file + ", output " + Path.of(output.output).toAbsolutePath());
        err.flush();
        // Before Spark starts: an output that cannot be written, or a sweep another run holds, stops here.
        Leaderboard outputDir = new Leaderboard(output.output, new Configuration());
        try {
            outputDir.probe();
        } catch (IllegalArgumentException e) {
            err.println("sparksweep: " + e.getMessage());
            return SparkSweepCli.INVALID_INPUT;
        }
        SweepLease lease;
        try {
            lease = SweepLease.acquire(outputDir, sweep.name(), waitForLease ? Duration.ofDays(3650) : Duration.ZERO);
        } catch (SweepLease.HeldException e) {
            err.println("sparksweep: " + e.getMessage());
            return SparkSweepCli.SWEEP_BUSY;
        }
        try (lease) {
            return run(sweep, err);
        } catch (IdxFormatException e) {
            err.println("sparksweep: " + e.getMessage());
            return SparkSweepCli.INVALID_INPUT;
        }
    }

    private int run(SweepSpec sweep, PrintWriter err) {
        if (session.local()) {
            LocalWarmup.start(sweep);
        }
        SparkSession spark = session.session("sparksweep " + sweep.name());
        try {
            boolean live = System.console() != null;
            Leaderboard store = new Leaderboard(output.output, spark.sparkContext().hadoopConfiguration());
            ReportWriter reports = new ReportWriter(store, Clock.systemUTC());
            err.println("sparksweep: report " + store.reportFile(sweep.name()) + " (rewritten as trials finish; open it and reload)");
            err.flush();
            SweepDriver.Summary s;
            try (ReportWriter.Live liveReport = new ReportWriter.Live(reports, sweep.name())) {
                s = new SweepDriver(spark, Clock.systemUTC(), new DataSetTrainer(), liveReport).run(sweep,
                        new SweepDriver.Options(output.output, parallelism, rerunFailed, keepModels, System.err, live, devices, trialsPerDevice));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "sweep %s: %d planned, %d already done, %d run (%d completed, %d failed or diverged) in %.1f s, %d at a time%n",
                    s.sweep(), s.planned(), s.skipped(), s.ran(), s.completed(), s.failed(), s.wallSeconds(), s.parallelism());
            out.flush();
            LeaderboardTable.print(out, new Leaderboard(output.output, spark.sparkContext().hadoopConfiguration()).rows(sweep.name()),
                    sweep.objective().direction(), top);
            System.out.println("leaderboard: " + Path.of(output.output).toAbsolutePath().resolve("leaderboard")
                    + "  (sparksweep sql \"SELECT ... FROM leaderboard\")");
            try {
                System.out.println("report: " + reports.write(sweep.name(), null, false));
                reports.writeIndex();
            } catch (RuntimeException e) {
                err.println("sparksweep: the report was not written: " + e.getMessage());
            }
            return s.failed() > 0 ? SparkSweepCli.TRIALS_FAILED : 0;
        } finally {
            spark.stop();
        }
    }

    private SweepSpec parse() {
        try {
            return SweepFileParser.parse(file);
        } catch (SweepFileException e) {
            if (DataSetInstaller.needsFashionMnist(e) && DataSetInstaller.tryInstall(spec.commandLine().getErr())) {
                return SweepFileParser.parse(file);
            }
            throw e;
        }
    }
}
