package io.sparksweep.spark.store;

import io.sparksweep.spark.exec.ExecutorData;

import io.sparksweep.core.result.Column;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.trial.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Parquet output of sweeps: {@code OUTPUT/leaderboard/sweep=NAME/trial-ID.parquet} (one row per
 * trial) and {@code OUTPUT/epochs/sweep=NAME/trial-ID.parquet} (one row per epoch). A trial's row is
 * its own file, named by its content-derived id, so a retried task, a rerun or a resume replaces it
 * and can never add a second row. Trained models live under {@code OUTPUT/models/sweep=NAME/}.
 */
public final class Leaderboard {

    static final List<String> PARTITION = List.of("sweep");

    private final String output;
    private final Configuration conf;

    public Leaderboard(String output, Configuration conf) {
        this.output = output;
        this.conf = conf;
    }

    public String output() {
        return output;
    }

    public Path leaderboardDir() {
        return new Path(ExecutorData.toUri(output).toString(), "leaderboard");
    }

    public Path epochsDir() {
        return new Path(ExecutorData.toUri(output).toString(), "epochs");
    }

    public Path modelsDir(String sweep) {
        return new Path(new Path(ExecutorData.toUri(output).toString(), "models"), "sweep=" + sweep);
    }

    public Path rowFile(String sweep, String trialId) {
        return new Path(new Path(leaderboardDir(), "sweep=" + sweep), "trial-" + trialId + ".parquet");
    }

    /** Commits one finished trial: its epochs first, then its leaderboard row (the row marks it done). */
    public void commit(LeaderboardRow row, List<EpochRow> epochs) {
        try {
            ParquetRows.write(conf, new Path(new Path(epochsDir(), "sweep=" + row.sweep()), "trial-" + row.trialId() + ".parquet"),
                    EpochRow.COLUMNS, PARTITION, epochs.stream().map(EpochRow::values).toList());
            ParquetRows.write(conf, rowFile(row.sweep(), row.trialId()), LeaderboardRow.COLUMNS, PARTITION, List.of(row.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit trial " + row.trialId() + " under " + output, e);
        }
    }

    /** Clears the model path of a committed row whose model was dropped from the best K. */
    public void clearModelPath(String sweep, String trialId) {
        try {
            ParquetRows.setColumn(conf, rowFile(sweep, trialId), LeaderboardRow.COLUMNS, PARTITION, "model_path", null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the row of trial " + trialId, e);
        }
    }

    /** What a rerun needs to know of a sweep's committed rows. */
    public record Committed(String trialId, TrialStatus status, Double objective, String modelPath) {
    }

    /** The committed rows of one sweep, by trial id (empty when nothing was written yet). */
    public Map<String, Committed> committed(String sweep) {
        Map<String, Committed> out = new HashMap<>();
        for (Map<String, Object> r : rows(sweep)) {
            String id = (String) r.get("trial_id");
            out.put(id, new Committed(id, TrialStatus.valueOf((String) r.get("status")), (Double) r.get("objective"),
                    (String) r.get("model_path")));
        }
        return out;
    }

    /**
     * One sweep's leaderboard rows, each as column name to value (nulls left out), read straight from
     * their files by this JVM: one small file per trial, and no Spark SQL query to plan, which costs a
     * cold driver about 5 seconds.
     */
    public List<Map<String, Object>> rows(String sweep) {
        Path dir = new Path(leaderboardDir(), "sweep=" + sweep);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!exists(dir)) {
            return rows;
        }
        try {
            for (FileStatus file : fileSystem(dir).listStatus(dir, p -> p.getName().startsWith("trial-") && p.getName().endsWith(".parquet"))) {
                for (Map<String, Object> row : ParquetRows.read(conf, file.getPath())) {
                    row.put("sweep", sweep);
                    rows.add(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the leaderboard rows of sweep " + sweep + " under " + dir, e);
        }
        return rows;
    }

    /** The leaderboard as a DataFrame (an empty one with the full schema when nothing was written). */
    public Dataset<Row> table(SparkSession spark) {
        return read(spark, leaderboardDir(), LeaderboardRow.COLUMNS);
    }

    public Dataset<Row> epochs(SparkSession spark) {
        return read(spark, epochsDir(), EpochRow.COLUMNS);
    }

    /** Registers the views {@code leaderboard} and {@code epochs} for Spark SQL. */
    public void registerViews(SparkSession spark) {
        table(spark).createOrReplaceTempView("leaderboard");
        epochs(spark).createOrReplaceTempView("epochs");
    }

    private Dataset<Row> read(SparkSession spark, Path dir, List<Column> columns) {
        StructType schema = sparkSchema(columns);
        if (!exists(dir)) {
            return spark.createDataFrame(new ArrayList<Row>(), schema);
        }
        return spark.read().schema(schema).parquet(dir.toString());
    }

    static StructType sparkSchema(List<Column> columns) {
        List<StructField> fields = new ArrayList<>();
        for (Column c : columns) {
            fields.add(DataTypes.createStructField(c.name(), sparkType(c.type()), true));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType sparkType(Column.Type t) {
        return switch (t) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case TIMESTAMP -> DataTypes.TimestampType;
        };
    }

    private boolean exists(Path p) {
        try {
            FileSystem fs = p.getFileSystem(conf);
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + p, e);
        }
    }

    public FileSystem fileSystem(Path p) throws IOException {
        return p.getFileSystem(conf);
    }
}
