package io.sparksweep.spark.store;

import io.sparksweep.core.data.Locations;
import io.sparksweep.core.result.Column;
import io.sparksweep.core.result.EpochRow;
import io.sparksweep.core.result.LeaderboardRow;
import io.sparksweep.core.result.RefitRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
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
 * <li>{@code OUTPUT/models/sweep=NAME/ID.zip}: the DL4J model files of the best K trials;</li>
 * <li>{@code OUTPUT/checkpoints/sweep=NAME/trial-ID/epoch-N.zip}: a paused trial's network, updater state
 *     included, from which its next segment resumes.</li>
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
        return epochsFile(sweep, trialId, 0);
    }

    /** The epochs of the segment that started after epoch {@code from}: {@code trial-ID.parquet} for the first, {@code trial-ID-from-N.parquet} after. */
    public Path epochsFile(String sweep, String trialId, int from) {
        return new Path(new Path(epochsDir(), "sweep=" + sweep), "trial-" + trialId + (from == 0 ? "" : "-from-" + from) + ".parquet");
    }

    public Path checkpointsDir(String sweep, String trialId) {
        return new Path(new Path(root("checkpoints"), "sweep=" + sweep), "trial-" + trialId);
    }

    public Path checkpointFile(String sweep, String trialId, int epoch) {
        return new Path(checkpointsDir(sweep, trialId), String.format(java.util.Locale.ROOT, "epoch-%05d.zip", epoch));
    }

    public Path modelFile(String sweep, String trialId) {
        return new Path(modelsDir(sweep), trialId + ".zip");
    }

    public Path confusionFile(String sweep, String trialId) {
        return new Path(new Path(root("confusion"), "sweep=" + sweep), "trial-" + trialId + ".parquet");
    }

    public Path predictionsFile(String sweep, String trialId) {
        return new Path(new Path(root("predictions"), "sweep=" + sweep), "trial-" + trialId + ".parquet");
    }

    /**
     * A refit's row: {@code OUTPUT/refits/sweep=NAME/trial-ID.parquet} for one task, {@code trial-ID-data-parallel.parquet}
     * for one across the executors, so that the two of one trial stand side by side.
     */
    public Path refitFile(String sweep, String trialId, String mode) {
        return new Path(new Path(root("refits"), "sweep=" + sweep), "trial-" + trialId + modeSuffix(mode) + ".parquet");
    }

    /** A refit's model: {@code OUTPUT/models/sweep=NAME/refit-ID[-data-parallel].zip}, its metadata beside it as {@code .json}. */
    public Path refitModelFile(String sweep, String trialId, String mode) {
        return new Path(modelsDir(sweep), "refit-" + trialId + modeSuffix(mode) + ".zip");
    }

    private static String modeSuffix(String mode) {
        return RefitRow.ONE_TASK.equals(mode) ? "" : "-" + mode;
    }

    /** Writes a refit: its model file, the model's metadata beside it, then its row. */
    public void commitRefit(RefitRow row, byte[] model, String metadata) {
        Path zip = new Path(row.modelPath());
        Path json = new Path(zip.getParent(), zip.getName().replaceFirst("\\.zip$", "") + ".json");
        try {
            ParquetRows.replaceWith(conf, zip, out -> out.write(model));
            ParquetRows.replaceWith(conf, json, out -> out.write(metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ParquetRows.write(conf, refitFile(row.sweep(), row.trialId(), row.mode()), RefitRow.COLUMNS, PARTITION,
                    List.of(row.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the refit of trial " + row.trialId() + " under " + output, e);
        }
    }

    /** Where a sweep's report goes by default: {@code OUTPUT/report/NAME.html}. */
    public Path reportFile(String sweep) {
        return new Path(root("report"), sweep + ".html");
    }

    public Path reportIndex() {
        return new Path(root("report"), "index.html");
    }

    /** The lease of a sweep in this output ({@link SweepLease}). */
    public Path leaseFile(String sweep) {
        return new Path(root("locks"), "sweep=" + sweep + ".lock");
    }

    /** Where an unreadable file is moved aside to: {@code OUTPUT/quarantine/} and its path under the output, stamped. */
    Path quarantineFile(Path file) {
        String rel = Locations.toUri(output).relativize(file.toUri()).getPath();
        return new Path(root("quarantine"), rel + "." + System.currentTimeMillis());
    }

    /**
     * Checks that this JVM can write under the output before anything starts: creates the folder and writes
     * and deletes a small file in it.
     *
     * @throws IllegalArgumentException naming the output and why it cannot be written
     */
    public void probe() {
        Path root = new Path(Locations.toUri(output).toString());
        Path probe = new Path(root, "_probe-" + java.util.UUID.randomUUID());
        try {
            FileSystem fs = fileSystem(root);
            if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
                throw new IllegalArgumentException("the output " + output + " is a file, not a folder; choose another --output");
            }
            fs.mkdirs(root);
            try (FSDataOutputStream out = fs.create(probe, true)) {
                out.write(1);
            }
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write under the output " + output + " (" + e.getMessage() + "); choose another --output", e);
        }
    }

    /** The sweeps that have a leaderboard folder in this output, by name. */
    public List<String> sweeps() {
        Path dir = leaderboardDir();
        if (!exists(dir)) {
            return List.of();
        }
        try {
            return Arrays.stream(fileSystem(dir).listStatus(dir, p -> p.getName().startsWith("sweep=")))
                    .map(s -> s.getPath().getName().substring("sweep=".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Whether the output folder exists at all. */
    public boolean outputExists() {
        return exists(new Path(Locations.toUri(output).toString()));
    }

    /** Commits one finished trial: its epochs first, then its leaderboard row (the row marks it done). */
    public void commit(LeaderboardRow row, List<EpochRow> epochs) {
        commit(row, epochs, 0);
    }

    /**
     * Commits a segment of a trial that started after epoch {@code from}: its epochs (a file of their own,
     * which a retried segment replaces), then the trial's row, which says where the trial stands.
     */
    public void commit(LeaderboardRow row, List<EpochRow> epochs, int from) {
        try {
            ParquetRows.write(conf, epochsFile(row.sweep(), row.trialId(), from), EpochRow.COLUMNS, PARTITION,
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

    /** Writes what a kept model gets wrong on the test set: its confusion counts and its first predictions. */
    public void writeTestDetail(String sweep, String trialId, io.sparksweep.core.train.Evaluator.TestDetail detail,
                                io.sparksweep.core.spec.DatasetSpec dataset) {
        try {
            ParquetRows.write(conf, confusionFile(sweep, trialId), io.sparksweep.core.result.DetailRows.CONFUSION.columns(), PARTITION,
                    io.sparksweep.core.result.DetailRows.confusion(sweep, trialId, detail));
            ParquetRows.write(conf, predictionsFile(sweep, trialId), io.sparksweep.core.result.DetailRows.PREDICTIONS.columns(), PARTITION,
                    io.sparksweep.core.result.DetailRows.predictions(sweep, trialId, detail));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test detail of trial " + trialId, e);
        }
    }

    /** The rows of one small table file, or empty when it does not exist or cannot be read. */
    public List<Map<String, Object>> readFile(Path file) {
        try {
            return exists(file) ? ParquetRows.read(conf, file) : List.of();
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping {}: it cannot be read ({})", file, e.getMessage());
            return List.of();
        }
    }

    /** Writes a text file whole (a report), replacing it. */
    public void writeText(Path file, String text) {
        try {
            ParquetRows.replaceWith(conf, file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes a paused trial's checkpoint (replacing it whole). */
    public void writeCheckpoint(String sweep, String trialId, int epoch, byte[] network) {
        Path file = checkpointFile(sweep, trialId, epoch);
        try {
            ParquetRows.replaceWith(conf, file, out -> out.write(network));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of trial " + trialId + " at " + file, e);
        }
    }

    /** A trial's checkpoint at {@code epoch}. */
    public io.sparksweep.core.train.Checkpoint readCheckpoint(String sweep, String trialId, int epoch) {
        Path file = checkpointFile(sweep, trialId, epoch);
        try (java.io.InputStream in = fileSystem(file).open(file)) {
            return new io.sparksweep.core.train.Checkpoint(trialId, epoch, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + file, e);
        }
    }

    public void deleteCheckpoint(String sweep, String trialId, int epoch) {
        Path file = checkpointFile(sweep, trialId, epoch);
        try {
            fileSystem(file).delete(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the checkpoint " + file, e);
        }
    }

    /** Deletes every checkpoint of a trial that can go no further. */
    public void deleteCheckpoints(String sweep, String trialId) {
        Path dir = checkpointsDir(sweep, trialId);
        try {
            fileSystem(dir).delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the checkpoints under " + dir, e);
        }
    }

    /** Rewrites a committed row's status (a paused trial that ends STOPPED). */
    public void setStatus(String sweep, String trialId, io.sparksweep.core.trial.TrialStatus status) {
        try {
            ParquetRows.setColumn(conf, rowFile(sweep, trialId), LeaderboardRow.COLUMNS, PARTITION, "status", status.name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the row of trial " + trialId, e);
        }
    }

    /**
     * The epochs of every trial of a sweep, by trial id and in epoch order, read straight from their files
     * (one per segment). Unreadable files are named in a warning and skipped.
     */
    public Map<String, List<io.sparksweep.core.trial.EpochMetrics>> epochsByTrial(String sweep) {
        Path dir = new Path(epochsDir(), "sweep=" + sweep);
        Map<String, java.util.TreeMap<Integer, io.sparksweep.core.trial.EpochMetrics>> byTrial = new java.util.HashMap<>();
        if (!exists(dir)) {
            return Map.of();
        }
        try {
            for (FileStatus f : fileSystem(dir).listStatus(dir, p -> p.getName().startsWith("trial-") && p.getName().endsWith(".parquet"))) {
                List<Map<String, Object>> rows;
                try {
                    rows = ParquetRows.read(conf, f.getPath());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("skipping the epochs file {}: it cannot be read ({})", f.getPath(), e.getMessage());
                    continue;
                }
                for (Map<String, Object> r : rows) {
                    var m = new io.sparksweep.core.trial.EpochMetrics((Integer) r.get("epoch"), num(r, "learning_rate"), num(r, "train_loss"),
                            num(r, "val_accuracy"), num(r, "val_loss"), num(r, "test_accuracy"), num(r, "test_loss"),
                            num(r, "train_seconds"), num(r, "samples_per_second"), (java.time.Instant) r.get("finished_at"));
                    byTrial.computeIfAbsent((String) r.get("trial_id"), k -> new java.util.TreeMap<>()).put(m.epoch(), m);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        Map<String, List<io.sparksweep.core.trial.EpochMetrics>> out = new java.util.HashMap<>();
        byTrial.forEach((id, m) -> out.put(id, List.copyOf(m.values())));
        return out;
    }

    private static double num(Map<String, Object> r, String column) {
        Object v = r.get(column);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
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
        List<Path> dirs = new ArrayList<>(List.of(sweepDir(sweep), epochsFile(sweep, "x").getParent(), modelsDir(sweep)));
        Path checkpoints = checkpointsDir(sweep, "x").getParent();
        try {
            if (exists(checkpoints)) {
                for (FileStatus f : fileSystem(checkpoints).listStatus(checkpoints)) {
                    dirs.add(f.getPath());
                }
            }
            for (Path dir : dirs) {
                restored += ParquetRows.recover(fileSystem(dir), dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover interrupted writes under " + output, e);
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

    /** A row file this JVM could not read (truncated, not Parquet...), and why. */
    public record Unreadable(Path file, String reason) {
    }

    /** One sweep's rows, and the row files that could not be read. */
    public record Read(List<Map<String, Object>> rows, List<Unreadable> unreadable) {
    }

    /**
     * One sweep's leaderboard rows, each as column name to value (nulls left out), read straight from their
     * files by this JVM, several at a time: one small file per trial, and no Spark SQL query to plan, which
     * costs a cold driver seconds. A file that cannot be read is named in {@link Read#unreadable}, not fatal.
     */
    public Read read(String sweep) {
        Path dir = sweepDir(sweep);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        if (!exists(dir)) {
            return new Read(rows, unreadable);
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
                try {
                    for (Map<String, Object> row : reads.get(i).get()) {
                        row.put("sweep", sweep);
                        rows.add(row);
                    }
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    unreadable.add(new Unreadable(files[i].getPath(), cause.getMessage() == null ? cause.toString() : cause.getMessage()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the leaderboard of sweep " + sweep, e);
        } finally {
            pool.shutdownNow();
        }
        return new Read(rows, unreadable);
    }

    /** One sweep's readable rows; an unreadable file is named in a warning and skipped. */
    public List<Map<String, Object>> rows(String sweep) {
        Read r = read(sweep);
        r.unreadable().forEach(u -> LOG.warn("skipping the row file {}: it cannot be read ({})", u.file(), u.reason()));
        return r.rows();
    }

    /** Moves an unreadable file aside under {@code OUTPUT/quarantine/} (so that its trial runs again) and returns where. */
    public Path quarantine(Unreadable u) {
        Path to = quarantineFile(u.file());
        try {
            FileSystem fs = fileSystem(u.file());
            fs.mkdirs(to.getParent());
            if (!fs.rename(u.file(), to)) {
                throw new IOException("rename to " + to + " failed");
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the unreadable file " + u.file() + " aside", e);
        }
    }

    /** The leaderboard as a DataFrame (an empty one with the full schema when nothing was written). */
    public Dataset<Row> table(SparkSession spark) {
        return read(spark, leaderboardDir(), LeaderboardRow.COLUMNS);
    }

    public Dataset<Row> epochs(SparkSession spark) {
        return read(spark, epochsDir(), EpochRow.COLUMNS);
    }

    /**
     * Registers the views {@code leaderboard}, {@code epochs}, {@code confusion}, {@code predictions} and {@code refits} for Spark SQL. A file that cannot be read
     * (a truncated row, say) is left out of the answer rather than failing it ({@code sparksweep sql} names it).
     */
    public void registerViews(SparkSession spark) {
        spark.conf().set("spark.sql.files.ignoreCorruptFiles", "true");
        table(spark).createOrReplaceTempView("leaderboard");
        epochs(spark).createOrReplaceTempView("epochs");
        read(spark, root("confusion"), io.sparksweep.core.result.DetailRows.CONFUSION.columns()).createOrReplaceTempView("confusion");
        read(spark, root("predictions"), io.sparksweep.core.result.DetailRows.PREDICTIONS.columns()).createOrReplaceTempView("predictions");
        read(spark, root("refits"), RefitRow.COLUMNS).createOrReplaceTempView("refits");
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
