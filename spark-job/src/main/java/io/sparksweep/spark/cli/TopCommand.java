package io.sparksweep.spark.cli;

import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code sparksweep top [N]}: the best trials by each sweep's own objective. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Print the best N trials (by each sweep's objective and direction).",
        footer = {"", "Examples:", "  sparksweep top", "  sparksweep top 10 --sweep tutorial"})
final class TopCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "10", description = "How many (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = {"-s", "--sweep"}, paramLabel = "NAME", description = "Only this sweep.")
    String sweep;

    @Mixin
    OutputOption output;

    @Mixin
    SessionOptions session;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int checked = OutputCheck.check(output.output, sweep, spec.commandLine().getErr());
        if (checked != OutputCheck.OK) {
            return checked;
        }
        SparkSession spark = session.session("sparksweep top");
        try {
            new Leaderboard(output.output, spark.sparkContext().hadoopConfiguration()).registerViews(spark);
            show(spark, sweep, n);
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Prints the top {@code n} rows of the registered leaderboard view. */
    static void show(SparkSession spark, String sweep, int n) {
        String where = sweep == null ? "" : "WHERE sweep = '" + sweep.replace("'", "''") + "' ";
        spark.sql("SELECT sweep, trial_id, status, architecture, optimizer, learning_rate, batch_size, "
                + "round(val_accuracy, 4) AS val_accuracy, round(test_accuracy, 4) AS test_accuracy, "
                + "round(train_seconds, 1) AS train_seconds, model_path IS NOT NULL AS model_kept FROM leaderboard " + where
                + "ORDER BY CASE WHEN get_json_object(params_json, '$.objective.direction') = 'minimize' THEN -objective ELSE objective END "
                + "DESC NULLS LAST, trial_id").show(n, false);
    }
}
