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
    private String extra = "";

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

    /**
     * A segment came back.
     *
     * @param over whether its trial is done (it trained all its epochs, stopped or failed), not only paused or going on
     */
    synchronized void finished(String trialId, String label, TrialStatus status, Double value, boolean over) {
        running--;
        if (over) {
            done++;
            if (status.failed()) {
                failed++;
            }
        }
        event(trialId, label, status, value);
    }

    /** A paused trial that ends STOPPED when the sweep does. */
    synchronized void stopped(String trialId, String label, Double value) {
        done++;
        event(trialId, label, TrialStatus.STOPPED, value);
    }

    /** The scheduler's part of the line (its rungs), from now on. */
    synchronized void extra(String text) {
        extra = text;
    }

    private void event(String trialId, String label, TrialStatus status, Double value) {
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
        return String.format(Locale.ROOT, "[%d/%d done, %d running, %d failed] best %s=%s (%s)%s elapsed %s eta %s",
                done, total, running, failed, objective.metric().key(),
                Double.isNaN(best) ? "-" : String.format(Locale.ROOT, "%.4f", best), bestTrial, extra.isEmpty() ? "" : " " + extra,
                format(elapsed), eta);
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
