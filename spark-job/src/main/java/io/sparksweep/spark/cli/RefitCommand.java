package io.sparksweep.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparksweep.core.Engine;
import io.sparksweep.core.result.RefitRow;
import io.sparksweep.core.result.TrialJson;
import io.sparksweep.core.train.Checkpoint;
import io.sparksweep.core.trial.RunEnvironment;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;
import io.sparksweep.spark.driver.DataParallelRefit;
import io.sparksweep.spark.exec.ExecutorData;
import io.sparksweep.spark.exec.RefitTask;
import io.sparksweep.spark.store.Leaderboard;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sparksweep refit}: the best trial of a sweep (or the one named), trained again with its exact
 * configuration on all of its training images, validation split included, and evaluated on the test set;
 * as one Spark task on an executor, or with {@code --data-parallel} across the executors (dl4j-spark's
 * parameter averaging, {@link DataParallelRefit}). Writes the model (with its updater), its metadata beside
 * it and a row of the {@code refits} table.
 */
@Command(name = "refit", mixinStandardHelpOptions = true,
        description = "Train the best trial's configuration (or --trial's) on all training images and evaluate it on the test set; "
                + "writes OUTPUT/models/sweep=NAME/refit-ID.zip (+ .json) and OUTPUT/refits/sweep=NAME/trial-ID.parquet.",
        footer = {"", "Examples:", "  sparksweep refit --sweep quickstart", "  sparksweep refit --sweep tutorial --trial 2b045cb316176458 --epochs 5",
                "  sparksweep refit --sweep tutorial --data-parallel --workers 4 --averaging-frequency 5"})
final class RefitCommand implements Callable<Integer> {

    @Option(names = {"-s", "--sweep"}, paramLabel = "NAME", description = "The sweep (default: the only one in the output).")
    String sweep;

    @Option(names = "--trial", paramLabel = "ID", description = "The trial to refit (default: the best by the sweep's objective).")
    String trial;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "0", description = "Epochs (default: the trial's epochs_run).")
    int epochs;

    @Option(names = "--data-parallel", description = "Train across the executors with dl4j-spark's parameter averaging "
            + "(default: one Spark task).")
    boolean dataParallel;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "--data-parallel: copies of the network trained at once (default: Spark's default parallelism).")
    int workers;

    @Option(names = "--averaging-frequency", paramLabel = "N", defaultValue = "5",
            description = "--data-parallel: minibatches each copy trains between parameter averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Mixin
    OutputOption output;

    @Mixin
    SessionOptions session;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        String badFlag = averagingFrequency < 1 ? "--averaging-frequency " + averagingFrequency + " must be at least 1"
                : workers != 0 && !dataParallel ? "--workers needs --data-parallel"
                : workers < 0 ? "--workers " + workers + " must be at least 1"
                : null;
        if (badFlag != null) {
            err.println("sparksweep refit: " + badFlag);
            return SparkSweepCli.INVALID_INPUT;
        }
        int checked = OutputCheck.check(output.output, sweep, err);
        if (checked != OutputCheck.OK) {
            return checked == 0 ? SparkSweepCli.INVALID_INPUT : checked;
        }
        Leaderboard probe = new Leaderboard(output.output, new Configuration());
        if (sweep == null) {
            List<String> sweeps = probe.sweeps();
            if (sweeps.size() != 1) {
                err.println("sparksweep refit: " + output.output + " holds " + sweeps.size() + " sweeps (" + String.join(", ", sweeps)
                        + "): name one with --sweep");
                return SparkSweepCli.INVALID_INPUT;
            }
            sweep = sweeps.get(0);
        }
        List<Map<String, Object>> rows = probe.rows(sweep);
        Map<String, Object> row = choose(rows, err);
        if (row == null) {
            return SparkSweepCli.INVALID_INPUT;
        }
        int n = epochs > 0 ? epochs : (Integer) row.get("epochs_run");
        TrialSpec t = TrialJson.spec((String) row.get("params_json"), (String) row.get("sweep_file_hash"), n);
        SparkSession spark = session.session("sparksweep refit " + sweep);
        try {
            String dataSha = ExecutorData.load(t.dataset().location()).contentSha256();
            int cpus = spark.sparkContext().conf().getInt("spark.task.cpus", 1);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            jsc.setJobGroup("sparksweep:refit:" + t.trialId(), "refit of trial " + t.trialId() + " " + t.params().label(), true);
            if (dataParallel) {
                return dataParallel(spark, jsc, t, dataSha, n, cpus, out);
            }
            RefitTask.Outcome o = jsc.parallelize(List.of(t), 1).map(new RefitTask(dataSha, cpus)).collect().get(0);
            TrialResult r = o.result();
            if (r.status() != TrialStatus.COMPLETED || o.model() == null) {
                err.println("sparksweep refit: trial " + t.trialId() + " did not train: " + r.status() + " " + r.error());
                return SparkSweepCli.TRIALS_FAILED;
            }
            Leaderboard store = new Leaderboard(output.output, spark.sparkContext().hadoopConfiguration());
            String model = store.refitModelFile(sweep, t.trialId(), RefitRow.ONE_TASK).toString();
            RefitRow refit = new RefitRow(sweep, t.trialId(), RefitRow.ONE_TASK, 1, null, n, finite(r.testAccuracy()), finite(r.testLoss()),
                    r.trainSeconds(), finite(r.samplesPerSecond()), o.trainImages(), r.startedAt(), r.finishedAt(), r.environment().host(),
                    o.executorId(), o.device(), r.environment().backend(), model, TrialJson.write(t), dataSha, Engine.VERSION,
                    r.environment().dl4j(), spark.version(), r.environment().java());
            store.commitRefit(refit, o.model(), metadata(t, dataSha));
            out.printf(Locale.ROOT, "refit of trial %s (%s), %d epochs on %,d images: test accuracy %.4f, loss %.4f, %.1f s of training (%.0f samples/s)%n",
                    t.trialId(), t.params().label(), n, o.trainImages(), r.testAccuracy(), r.testLoss(), r.trainSeconds(), r.samplesPerSecond());
            out.println("model: " + model);
            out.flush();
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The refit across the executors; its row names the executors that trained and how often they averaged. */
    private int dataParallel(SparkSession spark, JavaSparkContext jsc, TrialSpec t, String dataSha, int n, int cpus, PrintWriter out) {
        int copies = workers > 0 ? workers : jsc.defaultParallelism();
        DataParallelRefit.Outcome o = DataParallelRefit.train(jsc, t, dataSha, copies, averagingFrequency, cpus);
        RunEnvironment env = RunEnvironment.capture();
        Leaderboard store = new Leaderboard(output.output, spark.sparkContext().hadoopConfiguration());
        String model = store.refitModelFile(sweep, t.trialId(), RefitRow.DATA_PARALLEL).toString();
        String executors = String.join(",", o.minibatchesByExecutor().keySet());
        double samplesPerSecond = (double) o.trainImages() * n / o.trainSeconds();
        RefitRow refit = new RefitRow(sweep, t.trialId(), RefitRow.DATA_PARALLEL, copies, averagingFrequency, n, finite(o.test().accuracy()),
                finite(o.test().loss()), o.trainSeconds(), finite(samplesPerSecond), o.trainImages(), o.startedAt(), o.finishedAt(),
                env.host(), executors, "cpu", env.backend(), model, TrialJson.write(t), dataSha,
                Engine.VERSION, env.dl4j(), spark.version(), env.java());
        store.commitRefit(refit, Checkpoint.modelBytes(o.net()), metadata(t, dataSha));
        out.printf(Locale.ROOT, "data-parallel refit of trial %s (%s), %d epochs on %,d images, %d workers on executors %s "
                        + "(minibatches %s), parameters averaged every %d minibatches (%d times): test accuracy %.4f, loss %.4f, %.1f s of training%n",
                t.trialId(), t.params().label(), n, o.trainImages(), copies, executors,
                o.minibatchesByExecutor(), averagingFrequency, o.averagings(), o.test().accuracy(), o.test().loss(), o.trainSeconds());
        out.println("model: " + model);
        out.flush();
        return 0;
    }

    /** The named trial, or the best by the objective; null (with the message said) when there is none to refit. */
    private Map<String, Object> choose(List<Map<String, Object>> rows, PrintWriter err) {
        if (trial != null) {
            Map<String, Object> r = rows.stream().filter(x -> trial.equals(x.get("trial_id"))).findFirst().orElse(null);
            if (r == null) {
                List<String> ids = rows.stream().map(x -> (String) x.get("trial_id")).sorted().limit(10).toList();
                err.println("sparksweep refit: sweep " + sweep + " has no trial " + trial + "; its trials include: " + String.join(", ", ids));
                return null;
            }
            if (!TrialStatus.valueOf((String) r.get("status")).trained()) {
                err.println("sparksweep refit: trial " + trial + " " + r.get("status") + " (" + r.get("error") + "): there is no configuration that trained");
                return null;
            }
            return r;
        }
        boolean minimize = rows.stream().anyMatch(r -> String.valueOf(r.get("params_json")).contains("\"direction\":\"minimize\""));
        return rows.stream().filter(r -> r.get("objective") instanceof Double && TrialStatus.valueOf((String) r.get("status")).trained())
                .max(Comparator.comparingDouble(r -> minimize ? -(Double) r.get("objective") : (Double) r.get("objective")))
                .orElseGet(() -> {
                    err.println("sparksweep refit: sweep " + sweep + " has no trial that trained (" + rows.size() + " rows)");
                    return null;
                });
    }

    /** What {@code sparksweep predict} needs beside the model: class names, normalisation, input size, the trial. */
    static String metadata(TrialSpec t, String dataSha) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("sweep", t.sweepName());
        m.put("trial_id", t.trialId());
        t.dataset().classNames().forEach(m.putArray("classes")::add);
        m.put("normalization", t.dataset().normalization().key());
        m.putObject("input").put("rows", 28).put("cols", 28);
        m.put("data_sha256", dataSha);
        try {
            m.set("trial", json.readTree(TrialJson.write(t)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return m.toPrettyString();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
