package io.sparksweep.core.result;

import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.sparksweep.core.result.RowCodec.field;

/**
 * One trial's row of the leaderboard, flattened from its {@link TrialSpec} and {@link TrialResult}
 * plus where it ran. {@link #CODEC} lists the columns with the value each takes from the row; nullable
 * columns hold null (a metric that was never measured is null, not NaN). The components are in column
 * order and named as the columns are (camelCase of snake_case).
 */
public record LeaderboardRow(String sweep, String trialId, int trialIndex, String strategy, int suggestion, int historySize,
                             TrialStatus status, String architecture, String optimizer, double learningRate, int batchSize,
                             int epochs, int epochsRun, Integer rung, double dropout, double weightDecay, Double momentum, Double beta1,
                             Double beta2, Double epsilon, Double rmsDecay, String lrSchedule, Double valAccuracy,
                             Double valLoss, Double testAccuracy, Double testLoss, Double objective, double trainSeconds,
                             Double samplesPerSecond, Instant startedAt, Instant finishedAt, String host,
                             String executorId, String device, String backend, long seed, String error,
                             String paramsJson, String sweepFileHash, String dataSha256, String modelPath,
                             String engineVersion, String dl4jVersion, String sparkVersion, String javaVersion,
                             int schemaVersion) {

    /**
     * The layout rows are written in now. 1: the first (no strategy, suggestion, history_size or
     * schema_version columns; readers see them as null); 2: adds them.
     */
    public static final int SCHEMA_VERSION = 2;

    public static final RowCodec<LeaderboardRow> CODEC = new RowCodec<>(
            field("sweep", Column.Type.STRING, "sweep name (also the partition folder sweep=NAME)", LeaderboardRow::sweep),
            field("trial_id", Column.Type.STRING, "content-derived id: same sweep, seed and parameters give the same id", LeaderboardRow::trialId),
            field("trial_index", Column.Type.INT, "position in the sampler's sequence: the grid point, the random draw, the TPE suggestion (0-based)", LeaderboardRow::trialIndex),
            field("strategy", Column.Type.STRING, "the sampler that proposed it: grid, random or tpe", LeaderboardRow::strategy),
            field("suggestion", Column.Type.INT, "the order in which the sampler proposed it within the sweep, 0-based, across reruns", LeaderboardRow::suggestion),
            field("history_size", Column.Type.INT, "how many finished trials the sampler had seen when it proposed this one", LeaderboardRow::historySize),
            field("status", Column.Type.STRING, "COMPLETED, PAUSED (waiting at a rung), STOPPED, DIVERGED or FAILED", r -> r.status().name()),
            field("architecture", Column.Type.STRING, "mlp, deep_mlp, cnn or a custom name", LeaderboardRow::architecture),
            field("optimizer", Column.Type.STRING, "sgd, momentum, nesterov, adam or rmsprop", LeaderboardRow::optimizer),
            field("learning_rate", Column.Type.DOUBLE, "initial learning rate", LeaderboardRow::learningRate),
            field("batch_size", Column.Type.INT, "training batch size", LeaderboardRow::batchSize),
            field("epochs", Column.Type.INT, "planned epochs", LeaderboardRow::epochs),
            field("epochs_run", Column.Type.INT, "epochs that finished", LeaderboardRow::epochsRun),
            field("rung", Column.Type.INT, "the highest rung of successive halving it reached (0-based), null without a scheduler", LeaderboardRow::rung),
            field("dropout", Column.Type.DOUBLE, "probability of dropping a unit (PyTorch's convention)", LeaderboardRow::dropout),
            field("weight_decay", Column.Type.DOUBLE, "L2 penalty on the gradient", LeaderboardRow::weightDecay),
            field("momentum", Column.Type.DOUBLE, "momentum of momentum/nesterov, else null", LeaderboardRow::momentum),
            field("beta1", Column.Type.DOUBLE, "Adam beta1, else null", LeaderboardRow::beta1),
            field("beta2", Column.Type.DOUBLE, "Adam beta2, else null", LeaderboardRow::beta2),
            field("epsilon", Column.Type.DOUBLE, "Adam/RMSProp epsilon, else null", LeaderboardRow::epsilon),
            field("rms_decay", Column.Type.DOUBLE, "RMSProp decay, else null", LeaderboardRow::rmsDecay),
            field("lr_schedule", Column.Type.STRING, "constant or step(every=N,gamma=G)", LeaderboardRow::lrSchedule),
            field("val_accuracy", Column.Type.DOUBLE, "validation accuracy after the last epoch", LeaderboardRow::valAccuracy),
            field("val_loss", Column.Type.DOUBLE, "validation cross-entropy after the last epoch", LeaderboardRow::valLoss),
            field("test_accuracy", Column.Type.DOUBLE, "test accuracy after the last epoch", LeaderboardRow::testAccuracy),
            field("test_loss", Column.Type.DOUBLE, "test cross-entropy after the last epoch", LeaderboardRow::testLoss),
            field("objective", Column.Type.DOUBLE, "the sweep objective's value for this trial", LeaderboardRow::objective),
            field("train_seconds", Column.Type.DOUBLE, "training time over all epochs, evaluation excluded", LeaderboardRow::trainSeconds),
            field("samples_per_second", Column.Type.DOUBLE, "training samples per second", LeaderboardRow::samplesPerSecond),
            field("started_at", Column.Type.TIMESTAMP, "when training started", LeaderboardRow::startedAt),
            field("finished_at", Column.Type.TIMESTAMP, "when the trial ended", LeaderboardRow::finishedAt),
            field("host", Column.Type.STRING, "host that trained it", LeaderboardRow::host),
            field("executor_id", Column.Type.STRING, "Spark executor id (driver in local mode)", LeaderboardRow::executorId),
            field("device", Column.Type.STRING, "cpu, or the GPU address it trained on", LeaderboardRow::device),
            field("backend", Column.Type.STRING, "ND4J backend", LeaderboardRow::backend),
            field("seed", Column.Type.LONG, "the trial's seed", LeaderboardRow::seed),
            field("error", Column.Type.STRING, "why it failed or diverged, else null", LeaderboardRow::error),
            field("params_json", Column.Type.STRING, "the whole trial spec as JSON", LeaderboardRow::paramsJson),
            field("sweep_file_hash", Column.Type.STRING, "SHA-256 of the sweep file", LeaderboardRow::sweepFileHash),
            field("data_sha256", Column.Type.STRING, "SHA-256 of the data set's four files", LeaderboardRow::dataSha256),
            field("model_path", Column.Type.STRING, "the kept DL4J model file (best K trials only), else null", LeaderboardRow::modelPath),
            field("engine_version", Column.Type.STRING, "sparksweep version", LeaderboardRow::engineVersion),
            field("dl4j_version", Column.Type.STRING, "Deeplearning4j version", LeaderboardRow::dl4jVersion),
            field("spark_version", Column.Type.STRING, "Spark version", LeaderboardRow::sparkVersion),
            field("java_version", Column.Type.STRING, "Java runtime version", LeaderboardRow::javaVersion),
            field("schema_version", Column.Type.INT, "the row layout's version (null: 1, the first)", LeaderboardRow::schemaVersion));

    public static final List<Column> COLUMNS = CODEC.columns();

    public LeaderboardRow {
        Objects.requireNonNull(sweep, "sweep");
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(status, "status");
        if (status == TrialStatus.RUNNING) {
            throw new IllegalArgumentException("a trial in flight has no row yet: " + trialId);
        }
    }

    /** Where a trial ran and what else the driver knows about it. */
    public record Placement(String executorId, String device, String dataSha256, String modelPath,
                            String engineVersion, String sparkVersion) {
    }

    public static LeaderboardRow of(TrialSpec t, TrialResult r, Placement where) {
        return of(t, r, where, null);
    }

    /** @param rung the highest rung the trial has reached, or null without a scheduler */
    public static LeaderboardRow of(TrialSpec t, TrialResult r, Placement where, Integer rung) {
        Map<String, Double> op = t.params().optimizer().parameters();
        return new LeaderboardRow(t.sweepName(), t.trialId(), t.index(), t.origin().strategy(), t.origin().suggestion(),
                t.origin().historySize(), r.status(), t.params().architecture().name(), t.params().optimizer().type(),
                t.params().learningRate(), t.params().batchSize(), t.training().epochs(), r.history().size(), rung, t.params().dropout(),
                t.params().weightDecay(), op.get("momentum"), op.get("beta1"), op.get("beta2"), op.get("epsilon"), op.get("decay"),
                t.training().schedule().canonical(), finite(r.valAccuracy()), finite(r.valLoss()), finite(r.testAccuracy()),
                finite(r.testLoss()), finite(r.metric(t.objective().metric())), r.trainSeconds(), finite(r.samplesPerSecond()),
                r.startedAt(), r.finishedAt(), r.environment().host(), where.executorId(), where.device(),
                r.environment().backend(), r.seed(), r.error(), TrialJson.write(t), t.sweepFileHash(), where.dataSha256(),
                where.modelPath(), where.engineVersion(), r.environment().dl4j(), where.sparkVersion(), r.environment().java(),
                SCHEMA_VERSION);
    }

    /** Values in {@link #COLUMNS} order. */
    public List<Object> values() {
        return CODEC.values(this);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
