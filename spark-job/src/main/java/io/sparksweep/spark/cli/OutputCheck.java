package io.sparksweep.spark.cli;

import io.sparksweep.spark.store.Leaderboard;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code sql} and {@code top} tell before they query: that there is no leaderboard at the output (and
 * which sweeps there are, when one was asked for that is not there), and which row files cannot be read
 * (they are left out of the answer). Runs before Spark starts.
 */
final class OutputCheck {

    /** Go on with the query. */
    static final int OK = -1;

    private OutputCheck() {
    }

    /**
     * @param sweep the sweep asked for, or null for all
     * @return {@link #OK}, 0 when there is nothing to query (said so), or an exit code
     */
    static int check(String output, String sweep, PrintWriter err) {
        Leaderboard store = new Leaderboard(output, new Configuration());
        if (!store.outputExists()) {
            err.println("sparksweep: no leaderboard at " + output + ": the folder does not exist (run a sweep into it, or give --output)");
            err.flush();
            return SparkSweepCli.INVALID_INPUT;
        }
        List<String> sweeps = store.sweeps();
        if (sweeps.isEmpty()) {
            err.println("sparksweep: no leaderboard at " + output + " yet: no sweep has written a row there");
            err.flush();
            return 0;
        }
        if (sweep != null && !sweeps.contains(sweep)) {
            err.println("sparksweep: no sweep " + sweep + " at " + output + "; the sweeps there: " + String.join(", ", sweeps));
            err.flush();
            return SparkSweepCli.INVALID_INPUT;
        }
        for (String s : sweep == null ? sweeps : List.of(sweep)) {
            for (Leaderboard.Unreadable u : store.read(s).unreadable()) {
                err.println("sparksweep: skipping the row file " + u.file() + ": it cannot be read (" + u.reason()
                        + "); the next run of sweep " + s + " moves it aside and trains that trial again");
            }
        }
        err.flush();
        return OK;
    }
}
