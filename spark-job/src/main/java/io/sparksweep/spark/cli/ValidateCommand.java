package io.sparksweep.spark.cli;

import io.sparksweep.core.search.Planner;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.SweepFileException;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sparksweep validate FILE}: parse and plan, train nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a sweep file and list its planned trials, without training. Exits 2 and lists every problem when the file is invalid.",
        footer = {"", "Example:", "  sparksweep validate conf/sweeps/tutorial.yaml"})
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "The sweep file (YAML or JSON).")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SweepSpec sweep;
        try {
            sweep = SweepFileParser.parse(file);
        } catch (SweepFileException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return SparkSweepCli.INVALID_INPUT;
        }
        List<TrialSpec> trials = Planner.plan(sweep);
        out.printf(Locale.ROOT, "%s: sweep %s is valid: %d trials (%s search, %d epochs each, objective %s %s)%n", file,
                sweep.name(), trials.size(), sweep.search().strategy().key(), sweep.training().epochs(),
                sweep.objective().direction().key(), sweep.objective().metric().key());
        printPlan(out, trials);
        return 0;
    }

    static void printPlan(PrintWriter out, List<TrialSpec> trials) {
        out.printf(Locale.ROOT, "%5s  %-16s  %-14s  %-22s  %10s  %5s  %7s  %8s%n",
                "#", "trial_id", "architecture", "optimizer", "lr", "batch", "dropout", "wd");
        for (TrialSpec t : trials) {
            out.printf(Locale.ROOT, "%5d  %-16s  %-14s  %-22s  %10.4g  %5d  %7.2f  %8.2g%n", t.index() + 1, t.trialId(),
                    t.params().architecture().name(), t.params().optimizer().canonical(), t.params().learningRate(),
                    t.params().batchSize(), t.params().dropout(), t.params().weightDecay());
        }
        out.flush();
    }
}
