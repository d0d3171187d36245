package io.sparksweep.spark.store;

import io.sparksweep.core.result.Column;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every column of both tables, by name and type, through a row written to Parquet and read back: with
 * Spark (the file's own schema, no schema given) and with the driver's reader. Each field holds a value
 * no other field holds, so a column that takes another field's value fails here.
 */
class LeaderboardRowRoundTripTest {

    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[1]").appName("round-trip").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** A row whose every component has a value of its own: strings name their field, numbers count up. */
    static LeaderboardRow distinctRow() throws ReflectiveOperationException {
        RecordComponent[] parts = LeaderboardRow.class.getRecordComponents();
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Class<?> t = parts[i].getType();
            String name = parts[i].getName();
            values[i] = t == String.class ? name + "-value" : t == int.class || t == Integer.class ? 100 + i
                    : t == long.class ? 1_000_000_000_000L + i : t == double.class || t == Double.class ? i + 0.25
                    : t == Instant.class ? Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)
                    : t == TrialStatus.class ? TrialStatus.STOPPED : null;
            assertNotNull(values[i], "no test value for component " + name + " of type " + t);
        }
        values[0] = "roundtrip";
        return (LeaderboardRow) LeaderboardRow.class.getDeclaredConstructors()[0].newInstance(values);
    }

    static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    static Object component(Object record, String column) throws ReflectiveOperationException {
        Object v = record.getClass().getMethod(camel(column)).invoke(record);
        return v instanceof Enum<?> e ? e.name() : v;
    }

    @Test
    void everyLeaderboardColumn_survivesParquetByNameAndType() throws Exception {
        LeaderboardRow row = distinctRow();
        assertEquals(LeaderboardRow.COLUMNS.size(), LeaderboardRow.class.getRecordComponents().length,
                "one column per component");
        Leaderboard store = new Leaderboard(dir.resolve("out").toString(), new Configuration());
        EpochMetrics m = new EpochMetrics(7, 0.5, 0.75, 0.875, 1.125, 1.25, 1.375, 1.5, 1.625, java.time.Instant.parse("2026-12-02T08:00:01.250Z"));
        store.commit(row, List.of(new EpochRow(row.sweep(), row.trialId(), m)));

        Row read = spark.read().parquet(store.leaderboardDir().toString()).first();
        Map<String, Object> direct = store.rows(row.sweep()).get(0);
        for (Column c : LeaderboardRow.COLUMNS) {
            Object expected = component(row, c.name());
            StructField field = read.schema().apply(c.name());
            assertEquals(sparkType(c.type()), field.dataType().typeName(), "type of column " + c.name());
            Object got = read.getAs(c.name());
            assertEquals(expected, got instanceof java.sql.Timestamp t ? t.toInstant() : got, "column " + c.name() + " read by Spark");
            assertEquals(expected, direct.get(c.name()), "column " + c.name() + " read by the driver");
        }

        Row epoch = spark.read().parquet(store.epochsDir().toString()).first();
        EpochRow er = new EpochRow(row.sweep(), row.trialId(), m);
        for (Column c : EpochRow.COLUMNS) {
            Object expected = c.name().equals("sweep") || c.name().equals("trial_id") ? component(er, c.name()) : component(m, c.name());
            assertEquals(sparkType(c.type()), epoch.schema().apply(c.name()).dataType().typeName(), "type of epochs column " + c.name());
            Object got = epoch.getAs(c.name());
            assertEquals(expected, got instanceof java.sql.Timestamp t ? t.toInstant() : got, "epochs column " + c.name());
        }
        assertEquals(List.of(m), store.epochsByTrial(row.sweep()).get(row.trialId()), "the epochs read back by the driver");
    }

    private static String sparkType(Column.Type t) {
        return switch (t) {
            case STRING -> "string";
            case INT -> "integer";
            case LONG -> "long";
            case DOUBLE -> "double";
            case TIMESTAMP -> "timestamp";
        };
    }
}
