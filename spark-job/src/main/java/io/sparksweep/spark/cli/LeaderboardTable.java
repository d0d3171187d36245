package io.sparksweep.spark.cli;

import io.sparksweep.core.spec.Objective;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The table {@code run} prints when its sweep ends: the sweep's best trials by its objective, with the
 * columns and layout of {@code sparksweep top}, built from rows the driver read itself
 * ({@code Leaderboard.rows}). {@code top} asks Spark SQL; planning that first query costs a driver
 * about 5 seconds, a fifth of a small sweep's wall time.
 */
final class LeaderboardTable {

    private record Col(String name, Function<Map<String, Object>, Object> value) {
    }

    private static final List<Col> COLUMNS = List.of(
            new Col("sweep", r -> r.get("sweep")),
            new Col("trial_id", r -> r.get("trial_id")),
            new Col("status", r -> r.get("status")),
            new Col("architecture", r -> r.get("architecture")),
            new Col("optimizer", r -> r.get("optimizer")),
            new Col("learning_rate", r -> r.get("learning_rate")),
            new Col("batch_size", r -> r.get("batch_size")),
            new Col("val_accuracy", r -> round(r.get("val_accuracy"), 4)),
            new Col("test_accuracy", r -> round(r.get("test_accuracy"), 4)),
            new Col("train_seconds", r -> round(r.get("train_seconds"), 1)),
            new Col("model_kept", r -> r.get("model_path") != null));

    private LeaderboardTable() {
    }

    /** Prints the best {@code n} of {@code rows}: objective best first, rows without one last, then by trial id. */
    static void print(PrintWriter out, List<Map<String, Object>> rows, Objective.Direction direction, int n) {
        Comparator<Double> better = direction == Objective.Direction.MINIMIZE ? Comparator.naturalOrder() : Comparator.reverseOrder();
        List<Map<String, Object>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing((Map<String, Object> r) -> (Double) r.get("objective"), Comparator.nullsLast(better))
                .thenComparing(r -> (String) r.get("trial_id")));
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, Object> row : sorted.subList(0, Math.min(n, sorted.size()))) {
            cells.add(COLUMNS.stream().map(c -> String.valueOf(c.value().apply(row))).toList());
        }
        int[] width = new int[COLUMNS.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = COLUMNS.get(i).name().length();
            for (List<String> line : cells) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        String rule = rule(width);
        out.println(rule);
        out.println(line(COLUMNS.stream().map(Col::name).toList(), width));
        out.println(rule);
        cells.forEach(line -> out.println(line(line, width)));
        out.println(rule);
        if (sorted.size() > n) {
            out.println("only showing top " + n + " rows");
        }
        out.flush();
    }

    /** Spark SQL's round(x, scale): half up; null, NaN and infinities stay as they are. */
    private static Double round(Object value, int scale) {
        Double d = (Double) value;
        if (d == null || !Double.isFinite(d)) {
            return d;
        }
        return BigDecimal.valueOf(d).setScale(scale, RoundingMode.HALF_UP).doubleValue();
    }

    private static String rule(int[] width) {
        StringBuilder b = new StringBuilder("+");
        for (int w : width) {
            b.append("-".repeat(w)).append('+');
        }
        return b.toString();
    }

    private static String line(List<String> values, int[] width) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < width.length; i++) {
            b.append(values.get(i)).append(" ".repeat(width[i] - values.get(i).length())).append('|');
        }
        return b.toString();
    }
}
