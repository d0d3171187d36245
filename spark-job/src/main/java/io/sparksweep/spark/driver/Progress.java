package io.sparksweep.spark.driver;

import io.sparksweep.core.spec.Objective;
import io.sparksweep.core.trial.TrialStatus;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The live progress of a sweep on the console: trials done / running / failed / total, the best
 * objective so far and its trial, elapsed time and ETA. On a terminal it rewrites one line; otherwise
 * it prints one line per finished trial.
 */
final class Progress {

    private final PrintStream out;
    private final boolean live;
    private final Clock clock;
    private final Instant start;
    private final Objective objective;
    private final int total;
    private int done;
    private int failed;
    private int running;
    private double best = Double.NaN;
    private String bestTrial = "-";

    Progress(PrintStream out, boolean live, Clock clock, Objective objective, int total) {
        this.out = out;
        this.live = live;
        this.clock = clock;
        this.start = clock.instant();
        this.objective = objective;
        this.total = total;
    }

    synchronized void started() {
        running++;
        if (live) {
            print(null);
        }
    }

    synchronized void finished(String trialId, String label, TrialStatus status, Double value) {
        running--;
        done++;
        if (!status.trained()) {
            failed++;
        }
        if (value != null && objective.isBetter(value, best)) {
            best = value;
            bestTrial = trialId;
        }
        String event = String.format(Locale.ROOT, "trial %s %s %s: %s=%s", trialId, status, label,
                objective.metric().key(), value == null ? "-" : String.format(Locale.ROOT, "%.4f", value));
        print(event);
    }

    synchronized String line() {
        Duration elapsed = Duration.between(start, clock.instant());
        String eta = done == 0 || done >= total ? "-" : format(elapsed.multipliedBy(total - done).dividedBy(done));
        return String.format(Locale.ROOT, "[%d/%d done, %d running, %d failed] best %s=%s (%s) elapsed %s eta %s",
                done, total, running, failed, objective.metric().key(),
                Double.isNaN(best) ? "-" : String.format(Locale.ROOT, "%.4f", best), bestTrial, format(elapsed), eta);
    }

    private void print(String event) {
        if (live) {
            if (event != null) {
                out.print("\r\033[K" + event + "\n");
            }
            out.print("\r\033[K" + line());
        } else if (event != null) {
            out.println(event + "  " + line());
        }
        out.flush();
    }

    synchronized void close() {
        if (live) {
            out.println();
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
