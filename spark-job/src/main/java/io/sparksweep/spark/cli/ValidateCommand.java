package io.sparksweep.spark.cli;

import io.sparksweep.core.search.Planner;
import io.sparksweep.core.search.Sampler;
import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Domain;
import io.sparksweep.core.spec.SweepFileException;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.TrialSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sparksweep validate FILE}: parse and plan, train nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a sweep file and list its planned trials (a tpe sweep: its space and budget), without training. "
                + "Exits 2 and lists every problem when the file is invalid.",
        footer = {"", "Example:", "  sparksweep validate conf/sweeps/tutorial.yaml"})
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "The sweep file (YAML or JSON).")
    Path file;

    @Option(names = "--list", paramLabel = "N", defaultValue = "100", description = "Planned trials to list at most (default: ${DEFAULT-VALUE}).")
    int list;

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
        Sampler sampler = Sampler.of(sweep);
        out.printf(Locale.ROOT, "%s: sweep %s is valid: %d trials (%s search, %d epochs each, objective %s %s)%n", file,
                sweep.name(), sampler.total(), sampler.strategy().key(), sweep.training().epochs(),
                sweep.objective().direction().key(), sweep.objective().metric().key());
        printScheduler(out, sweep, sampler.total());
        if (Planner.hasPlan(sweep)) {
            List<TrialSpec> trials = Planner.plan(sweep, list);
            printPlan(out, trials);
            if (sampler.total() > trials.size()) {
                out.printf(Locale.ROOT, "... and %,d more (--list N shows more)%n", sampler.total() - trials.size());
            }
        } else {
            printSpace(out, sweep);
        }
        out.flush();
        return 0;
    }

    /** The scheduler: its rungs and the most trials each can hold, or the median rule's grace epochs. */
    private static void printScheduler(PrintWriter out, SweepSpec sweep, int trials) {
        if (sweep.scheduler() instanceof io.sparksweep.core.spec.SchedulerSpec.Asha a) {
            List<Integer> rungs = a.rungs(sweep.training().epochs());
            StringBuilder b = new StringBuilder();
            long holds = trials;
            for (int k = 0; k < rungs.size(); k++) {
                b.append(k == 0 ? "" : " | ").append(rungs.get(k)).append(" epochs: at most ").append(String.format(Locale.ROOT, "%,d", holds));
                holds /= a.reductionFactor();
            }
            out.printf(Locale.ROOT, "scheduler asha (reduction factor %d): trials pause at each rung, the best 1/%d go on; rungs %s%n",
                    a.reductionFactor(), a.reductionFactor(), b);
        } else if (sweep.scheduler() instanceof io.sparksweep.core.spec.SchedulerSpec.Median m) {
            out.printf(Locale.ROOT, "scheduler median: after %d grace epoch(s), a trial below the median of the others at the same epoch stops%n",
                    m.graceEpochs());
        }
        if (sweep.budget().limitsEpochs()) {
            out.printf(Locale.ROOT, "budget: at most %,d epochs across all trials%n", sweep.budget().maxEpochs());
        }
    }

    /** A TPE sweep has no plan before its results: its space and budget. */
    private static void printSpace(PrintWriter out, SweepSpec sweep) {
        out.printf(Locale.ROOT, "each trial is proposed from the results so far: %d random trials first, then TPE with %d candidates per suggestion%n",
                sweep.search().tpe().startupTrials(), sweep.search().tpe().candidates());
        out.println("search space:");
        for (Axis a : sweep.search().axes()) {
            out.printf(Locale.ROOT, "  %-14s %s%n", a.dimension().key(), describe(a.domain()));
        }
        out.printf(Locale.ROOT, "budget: %d trials%s%s%n", sweep.search().trials(),
                sweep.budget().maxTrials() > 0 ? ", at most " + sweep.budget().maxTrials() + " (budget.max_trials)" : "",
                sweep.budget().limitsWallTime() ? ", no trial starts after " + sweep.budget().maxWallTime() : "");
    }

    private static String describe(Domain d) {
        if (d instanceof Domain.Range r) {
            return String.format(Locale.ROOT, "%s range %g to %g", r.log() ? "log" : "linear", r.min(), r.max());
        }
        if (d instanceof Domain.IntRange r) {
            return "integers " + r.min() + " to " + r.max();
        }
        List<Object> values = ((Domain.Choice) d).values();
        return "one of " + values.stream().map(v -> v instanceof io.sparksweep.core.spec.OptimizerSpec o ? o.canonical()
                : v instanceof io.sparksweep.core.spec.Architecture a ? a.name() : String.valueOf(v)).toList();
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
