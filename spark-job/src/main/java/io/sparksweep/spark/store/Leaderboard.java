package io.sparksweep.spark.store;

import io.sparksweep.core.data.Locations;
import io.sparksweep.core.result.Column;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The output of sweeps, every path in one place:
 * <ul>
 * <li>{@code OUTPUT/leaderboard/sweep=NAME/trial-ID.parquet}: one row per trial;</li>
 * <li>{@code OUTPUT/epochs/sweep=NAME/trial-ID.parquet}: one row per trial and epoch;</li>
 * <li>{@code OUTPUT/models/sweep=NAME/ID.zip}: the DL4J model files of the best K trials.</li>
 * </ul>
 * A trial's row is its own file, named by its content-derived id, so a retried task, a rerun or a resume
 * replaces it and can never add a second row. Executors commit their own trials through this class, so
 * the output must be a file system every executor and the driver reach at the same path (HDFS, S3, NFS,
 * or a local disk in local mode).
 */
public final class Leaderboard {

    private static final Logger LOG = LoggerFactory.getLogger(Leaderboard.class);
    static final List<String> PARTITION = List.of("sweep");
    /** Row files read at once: each read is mostly waiting on the file system, not CPU. */
    private static final int READERS = 8;

    private final String output;
    private final Configuration conf;

    public Leaderboard(String output, Configuration conf) {
        this.output = output;
        this.conf = conf;
    }

    private static SparkEnv confEnv;
    private static Configuration envConf;

    /**
     * The output as this JVM sees it: an executor's Hadoop settings (spark.hadoop.*), or defaults outside
     * Spark. The settings are built once per Spark environment: building them parses Hadoop's XML defaults
     * from the classpath, which took most of the CPU of a trial that trains little.
     */
    public static Leaderboard onThisJvm(String output) {
        SparkEnv env = SparkEnv.get();
        Configuration base;
        synchronized (Leaderboard.class) {
            if (envConf == null || confEnv != env) {
                envConf = env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
                confEnv = env;
            }
            base = envConf;
        }
        return new Leaderboard(output, new Configuration(base));
    }

    public String output() {
        return output;
    }

    private Path root(String table) {
        return new Path(Locations.toUri(output).toString(), table);
    }

    public Path leaderboardDir() {
        return root("leaderboard");
    }

    public Path epochsDir() {
        return root("epochs");
    }

    public Path sweepDir(String sweep) {
        return new Path(leaderboardDir(), "sweep=" + sweep);
    }

    public Path modelsDir(String sweep) {
        return new Path(root("models"), "sweep=" + sweep);
    }

    public Path rowFile(String sweep, String trialId) {
        return new Path(sweepDir(sweep), "trial-" + trialId + ".parquet");
    }

    public Path epochsFile(String sweep, String trialId) {
        return new Path(new Path(epochsDir(), "sweep=" + sweep), "trial-" + trialId + ".parquet");
    }

    public Path modelFile(String sweep, String trialId) {
        return new Path(modelsDir(sweep), trialId + ".zip");
    }

    /** Commits one finished trial: its epochs first, then its leaderboard row (the row marks it done). */
    public void commit(LeaderboardRow row, List<EpochRow> epochs) {
        try {
            ParquetRows.write(conf, epochsFile(row.sweep(), row.trialId()), EpochRow.COLUMNS, PARTITION,
                    epochs.stream().map(EpochRow::values).toList());
            ParquetRows.write(conf, rowFile(row.sweep(), row.trialId()), LeaderboardRow.COLUMNS, PARTITION, List.of(row.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit trial " + row.trialId() + " under " + output, e);
        }
    }

    /** Writes a trial's model file (replacing it whole) and returns its path. */
    public String writeModel(String sweep, String trialId, byte[] model) {
        Path file = modelFile(sweep, trialId);
        try {
            ParquetRows.replaceWith(conf, file, out -> out.write(model));
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the model of trial " + trialId + " at " + file, e);
        }
    }

    /** Deletes a trial's model file, if there is one. */
    public void deleteModel(String sweep, String trialId) {
        Path file = modelFile(sweep, trialId);
        try {
            fileSystem(file).delete(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the model of trial " + trialId + " at " + file, e);
        }
    }

    /** The trial ids that have a model file, kept or left behind by a run that died before it wrote the row. */
    public List<String> modelIds(String sweep) {
        Path dir = modelsDir(sweep);
        if (!exists(dir)) {
            return List.of();
        }
        try {
            return Arrays.stream(fileSystem(dir).listStatus(dir, p -> p.getName().endsWith(".zip") && !p.getName().startsWith("_")))
                    .map(s -> s.getPath().getName().replaceFirst("\\.zip$", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
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

    /**
     * Finishes or undoes the file replacements a killed process left in {@code sweep}'s folders
     * ({@link ParquetRows#recover}), so that every committed row is whole and in place. Call it while owning
     * the sweep, before reading its rows.
     *
     * @return the files put back
     */
    public int recover(String sweep) {
        int restored = 0;
        for (Path dir : List.of(sweepDir(sweep), epochsFile(sweep, "x").getParent(), modelsDir(sweep))) {
            try {
                restored += ParquetRows.recover(fileSystem(dir), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot recover interrupted writes under " + dir, e);
            }
        }
        if (restored > 0) {
            LOG.warn("sweep {}: put back {} committed files whose replacement a killed run left unfinished", sweep, restored);
        }
        return restored;
    }

    /** Whether trial {@code trialId} has a row file. */
    public boolean hasRow(String sweep, String trialId) {
        return exists(rowFile(sweep, trialId));
    }

    /**
     * One sweep's leaderboard rows, each as column name to value (nulls left out), read straight from their
     * files by this JVM, several at a time: one small file per trial, and no Spark SQL query to plan, which
     * costs a cold driver seconds.
     */
    public List<Map<String, Object>> rows(String sweep) {
        Path dir = sweepDir(sweep);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!exists(dir)) {
            return rows;
        }
        FileStatus[] files;
        try {
            files = fileSystem(dir).listStatus(dir, p -> p.getName().startsWith("trial-") && p.getName().endsWith(".parquet"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the leaderboard rows of sweep " + sweep + " under " + dir, e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(READERS, files.length)), r -> {
            Thread t = new Thread(r, "leaderboard-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<Map<String, Object>>>> reads = new ArrayList<>();
            for (FileStatus f : files) {
                reads.add(pool.submit(() -> ParquetRows.read(conf, f.getPath())));
            }
            for (int i = 0; i < reads.size(); i++) {
                for (Map<String, Object> row : reads.get(i).get()) {
                    row.put("sweep", sweep);
                    rows.add(row);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the leaderboard of sweep " + sweep, e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("cannot read the leaderboard rows of sweep " + sweep + " under " + dir,
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } finally {
            pool.shutdownNow();
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

    boolean exists(Path p) {
        try {
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + p, e);
        }
    }

    FileSystem fileSystem(Path p) throws IOException {
        return p.getFileSystem(conf);
    }

    Configuration conf() {
        return conf;
    }

}
