package io.sparksweep.spark.cli;

import io.sparksweep.spark.report.ReportWriter;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sparksweep report}: one self-contained HTML page per sweep, and an index of them. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write each sweep's report: one HTML page that opens offline (charts and data inside), "
                + "to OUTPUT/report/NAME.html, and OUTPUT/report/index.html listing every sweep.",
        footer = {"", "Examples:", "  sparksweep report", "  sparksweep report --sweep quickstart --out quickstart.html"})
final class ReportCommand implements Callable<Integer> {

    @Option(names = {"-s", "--sweep"}, paramLabel = "NAME", description = "Only this sweep (default: every sweep in the output).")
    String sweep;

    @Option(names = "--out", paramLabel = "FILE", description = "Where the page goes (with --sweep; default OUTPUT/report/NAME.html).")
    Path out;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (out != null && sweep == null) {
            err.println("sparksweep report: --out names one page: give --sweep NAME too");
            return SparkSweepCli.INVALID_INPUT;
        }
        int checked = OutputCheck.check(output.output, sweep, err);
        if (checked != OutputCheck.OK) {
            return checked == 0 ? SparkSweepCli.INVALID_INPUT : checked;
        }
        Leaderboard store = new Leaderboard(output.output, new Configuration());
        ReportWriter writer = new ReportWriter(store, Clock.systemUTC());
        List<String> sweeps = sweep != null ? List.of(sweep) : store.sweeps();
        try {
            for (String s : sweeps) {
                org.apache.hadoop.fs.Path page = writer.write(s, out == null ? null : new org.apache.hadoop.fs.Path(out.toAbsolutePath().toUri()), false);
                stdout.println("report of sweep " + s + ": " + page);
            }
            stdout.println("index: " + writer.writeIndex());
        } catch (ReportWriter.NothingToReport e) {
            err.println("sparksweep report: " + e.getMessage());
            return SparkSweepCli.INVALID_INPUT;
        }
        stdout.flush();
        return 0;
    }
}
