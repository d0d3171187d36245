package io.sparksweep.core.result;

import java.time.Instant;
import java.util.List;

import static io.sparksweep.core.result.RowCodec.field;

/**
 * One refit: a trial's configuration trained again on all of the training images (its validation split
 * included) and evaluated on the test set; the {@code refits} table, one file per refit.
 */
public record RefitRow(String sweep, String trialId, String mode, int workers, Integer averagingFrequency, int epochs,
                       Double testAccuracy, Double testLoss, double trainSeconds, Double samplesPerSecond, int trainImages,
                       Instant startedAt, Instant finishedAt, String host, String executorId, String device, String backend,
                       String modelPath, String paramsJson, String dataSha256, String engineVersion, String dl4jVersion,
                       String sparkVersion, String javaVersion) {

    /** The modes: one Spark task, or across the executors with dl4j-spark's parameter averaging. */
    public static final String ONE_TASK = "one-task";
    public static final String DATA_PARALLEL = "data-parallel";

    public static final RowCodec<RefitRow> CODEC = new RowCodec<>(
            field("sweep", Column.Type.STRING, "sweep name (partition)", RefitRow::sweep),
            field("trial_id", Column.Type.STRING, "the trial whose configuration was refitted", RefitRow::trialId),
            field("mode", Column.Type.STRING, "one-task (one Spark task), or data-parallel (dl4j-spark's parameter averaging)", RefitRow::mode),
            field("workers", Column.Type.INT, "copies of the network trained at once: 1 for one task; data-parallel: dl4j-spark's workers", RefitRow::workers),
            field("averaging_frequency", Column.Type.INT, "data-parallel: minibatches between parameter averagings, else null", RefitRow::averagingFrequency),
            field("epochs", Column.Type.INT, "epochs trained", RefitRow::epochs),
            field("test_accuracy", Column.Type.DOUBLE, "test accuracy after the last epoch", RefitRow::testAccuracy),
            field("test_loss", Column.Type.DOUBLE, "test cross-entropy after the last epoch", RefitRow::testLoss),
            field("train_seconds", Column.Type.DOUBLE, "training time, evaluation excluded", RefitRow::trainSeconds),
            field("samples_per_second", Column.Type.DOUBLE, "training samples per second", RefitRow::samplesPerSecond),
            field("train_images", Column.Type.INT, "training images: the trial's training and validation images together", RefitRow::trainImages),
            field("started_at", Column.Type.TIMESTAMP, "when training started", RefitRow::startedAt),
            field("finished_at", Column.Type.TIMESTAMP, "when it ended", RefitRow::finishedAt),
            field("host", Column.Type.STRING, "host that trained it (data-parallel: the driver's)", RefitRow::host),
            field("executor_id", Column.Type.STRING, "Spark executor id (data-parallel: those that trained, comma-separated)", RefitRow::executorId),
            field("device", Column.Type.STRING, "cpu, or the GPU it trained on", RefitRow::device),
            field("backend", Column.Type.STRING, "ND4J backend", RefitRow::backend),
            field("model_path", Column.Type.STRING, "the refitted model file, with its metadata beside it (.json)", RefitRow::modelPath),
            field("params_json", Column.Type.STRING, "the trial spec as JSON (its epochs: those refitted)", RefitRow::paramsJson),
            field("data_sha256", Column.Type.STRING, "SHA-256 of the data set's four files", RefitRow::dataSha256),
            field("engine_version", Column.Type.STRING, "sparksweep version", RefitRow::engineVersion),
            field("dl4j_version", Column.Type.STRING, "Deeplearning4j version", RefitRow::dl4jVersion),
            field("spark_version", Column.Type.STRING, "Spark version", RefitRow::sparkVersion),
            field("java_version", Column.Type.STRING, "Java runtime version", RefitRow::javaVersion));

    public static final List<Column> COLUMNS = CODEC.columns();

    public List<Object> values() {
        return CODEC.values(this);
    }
}
