package io.sparksweep.spark.cli;

import io.sparksweep.core.spec.Objective;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeaderboardTableTest {

    private static Map<String, Object> row(String id, Double objective, Double val, String modelPath) {
        Map<String, Object> r = new HashMap<>();
        r.put("sweep", "s");
        r.put("trial_id", id);
        r.put("status", objective == null ? "FAILED" : "COMPLETED");
        r.put("architecture", "mlp");
        r.put("optimizer", "momentum");
        r.put("learning_rate", 0.01);
        r.put("batch_size", 64);
        if (val != null) {
            r.put("val_accuracy", val);
            r.put("test_accuracy", val);
        }
        if (objective != null) {
            r.put("objective", objective);
        }
        r.put("train_seconds", objective == null ? Double.NaN : 6.44);
        if (modelPath != null) {
            r.put("model_path", modelPath);
        }
        return r;
    }

    private static String print(List<Map<String, Object>> rows, Objective.Direction direction, int n) {
        StringWriter out = new StringWriter();
        LeaderboardTable.print(new PrintWriter(out), rows, direction, n);
        return out.toString();
    }

    private static final List<Map<String, Object>> ROWS = List.of(
            row("c", 0.8, 0.80005, null), row("a", null, null, null), row("b", 0.9, 0.9, "file:/m.zip"), row("d", 0.8, 0.8, null));

    @Test
    void print_maximize_bestFirstTiesByIdFailedLast_inSparkShowLayout() {
        assertEquals("""
                +-----+--------+---------+------------+---------+-------------+----------+------------+-------------+-------------+----------+
                |sweep|trial_id|status   |architecture|optimizer|learning_rate|batch_size|val_accuracy|test_accuracy|train_seconds|model_kept|
                +-----+--------+---------+------------+---------+-------------+----------+------------+-------------+-------------+----------+
                |s    |b       |COMPLETED|mlp         |momentum |0.01         |64        |0.9         |0.9          |6.4          |true      |
                |s    |c       |COMPLETED|mlp         |momentum |0.01         |64        |0.8001      |0.8001       |6.4          |false     |
                |s    |d       |COMPLETED|mlp         |momentum |0.01         |64        |0.8         |0.8          |6.4          |false     |
                |s    |a       |FAILED   |mlp         |momentum |0.01         |64        |null        |null         |NaN          |false     |
                +-----+--------+---------+------------+---------+-------------+----------+------------+-------------+-------------+----------+
                """, print(ROWS, Objective.Direction.MAXIMIZE, 10));
    }

    @Test
    void print_minimize_smallestFirst_andSaysWhenRowsAreLeftOut() {
        String table = print(ROWS, Objective.Direction.MINIMIZE, 2);
        List<String> lines = table.lines().toList();
        assertEquals(7, lines.size(), table);
        assertEquals("|s    |c       |", lines.get(3).substring(0, 16));
        assertEquals("|s    |d       |", lines.get(4).substring(0, 16));
        assertEquals("only showing top 2 rows", lines.get(6));
    }
}
