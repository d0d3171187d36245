package io.sparksweep.spark.cli;

import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code sparksweep sql QUERY}: Spark SQL over the leaderboard and epochs views. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run Spark SQL over OUTPUT with the views leaderboard (one row per trial) and epochs (one row per trial and epoch).",
        footer = {"", "Examples:",
                "  sparksweep sql \"SELECT architecture, max(test_accuracy) FROM leaderboard GROUP BY architecture\"",
                "  sparksweep sql \"SELECT optimizer, avg(val_accuracy) FROM leaderboard WHERE sweep = 'tutorial' GROUP BY optimizer\"",
                "  sparksweep sql \"SELECT epoch, avg(test_accuracy) FROM epochs GROUP BY epoch ORDER BY epoch\""})
final class SqlCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "QUERY", description = "A Spark SQL query.")
    String query;

    @Mixin
    OutputOption output;

    @Mixin
    SessionOptions session;

    @Option(names = {"-n", "--rows"}, paramLabel = "N", defaultValue = "100", description = "Rows to print at most (default: ${DEFAULT-VALUE}).")
    int rows;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int checked = OutputCheck.check(output.output, null, spec.commandLine().getErr());
        if (checked != OutputCheck.OK) {
            return checked;
        }
        SparkSession spark = session.session("sparksweep sql");
        try {
            new Leaderboard(output.output, spark.sparkContext().hadoopConfiguration()).registerViews(spark);
            spark.sql(query).show(rows, false);
            return 0;
        } catch (Exception e) {
            // Spark's AnalysisException (a bad table, column or syntax) is checked to Java but undeclared.
            if (e instanceof org.apache.spark.sql.AnalysisException) {
                System.err.println("sparksweep sql: " + e.getMessage());
                return SparkSweepCli.INVALID_INPUT;
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } finally {
            spark.stop();
        }
    }
}
