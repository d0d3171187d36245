package io.sparksweep.core.result;

import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.trial.TrialStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One trial's row of the leaderboard, flattened from its {@link TrialSpec} and {@link TrialResult}
 * plus where it ran. Its values are listed in {@link #COLUMNS} order by {@link #values()}; nullable
 * columns hold null (a metric that was never measured is null, not NaN).
 */
public record LeaderboardRow(String sweep, String trialId, int trialIndex, TrialStatus status, String architecture,
                             String optimizer, double learningRate, int batchSize, int epochs, int epochsRun,
                             double dropout, double weightDecay, Double momentum, Double beta1, Double beta2,
                             Double epsilon, Double rmsDecay, String lrSchedule, Double valAccuracy, Double valLoss,
                             Double testAccuracy, Double testLoss, Double objective, double trainSeconds,
                             Double samplesPerSecond, Instant startedAt, Instant finishedAt, String host,
                             String executorId, String device, String backend, long seed, String error,
                             String paramsJson, String sweepFileHash, String dataSha256, String modelPath,
                             String engineVersion, String dl4jVersion, String sparkVersion, String javaVersion) {

    public static final List<Column> COLUMNS = List.of(
            new Column("sweep", Column.Type.STRING, "sweep name (also the partition folder sweep=NAME)"),
            new Column("trial_id", Column.Type.STRING, "content-derived id: same sweep, seed and parameters give the same id"),
            new Column("trial_index", Column.Type.INT, "position in the plan, 0-based"),
            new Column("status", Column.Type.STRING, "COMPLETED, STOPPED, DIVERGED or FAILED"),
            new Column("architecture", Column.Type.STRING, "mlp, deep_mlp, cnn or a custom name"),
            new Column("optimizer", Column.Type.STRING, "sgd, momentum, nesterov, adam or rmsprop"),
            new Column("learning_rate", Column.Type.DOUBLE, "initial learning rate"),
            new Column("batch_size", Column.Type.INT, "training batch size"),
            new Column("epochs", Column.Type.INT, "planned epochs"),
            new Column("epochs_run", Column.Type.INT, "epochs that finished"),
            new Column("dropout", Column.Type.DOUBLE, "probability of dropping a unit (PyTorch's convention)"),
            new Column("weight_decay", Column.Type.DOUBLE, "L2 penalty on the gradient"),
            new Column("momentum", Column.Type.DOUBLE, "momentum of momentum/nesterov, else null"),
            new Column("beta1", Column.Type.DOUBLE, "Adam beta1, else null"),
            new Column("beta2", Column.Type.DOUBLE, "Adam beta2, else null"),
            new Column("epsilon", Column.Type.DOUBLE, "Adam/RMSProp epsilon, else null"),
            new Column("rms_decay", Column.Type.DOUBLE, "RMSProp decay, else null"),
            new Column("lr_schedule", Column.Type.STRING, "constant or step(every=N,gamma=G)"),
            new Column("val_accuracy", Column.Type.DOUBLE, "validation accuracy after the last epoch"),
            new Column("val_loss", Column.Type.DOUBLE, "validation cross-entropy after the last epoch"),
            new Column("test_accuracy", Column.Type.DOUBLE, "test accuracy after the last epoch"),
            new Column("test_loss", Column.Type.DOUBLE, "test cross-entropy after the last epoch"),
            new Column("objective", Column.Type.DOUBLE, "the sweep objective's value for this trial"),
            new Column("train_seconds", Column.Type.DOUBLE, "training time over all epochs, evaluation excluded"),
            new Column("samples_per_second", Column.Type.DOUBLE, "training samples per second"),
            new Column("started_at", Column.Type.TIMESTAMP, "when training started"),
            new Column("finished_at", Column.Type.TIMESTAMP, "when the trial ended"),
            new Column("host", Column.Type.STRING, "host that trained it"),
            new Column("executor_id", Column.Type.STRING, "Spark executor id (driver in local mode)"),
            new Column("device", Column.Type.STRING, "cpu, or the GPU address it trained on"),
            new Column("backend", Column.Type.STRING, "ND4J backend"),
            new Column("seed", Column.Type.LONG, "the trial's seed"),
            new Column("error", Column.Type.STRING, "why it failed or diverged, else null"),
            new Column("params_json", Column.Type.STRING, "the whole trial spec as JSON"),
            new Column("sweep_file_hash", Column.Type.STRING, "SHA-256 of the sweep file"),
            new Column("data_sha256", Column.Type.STRING, "SHA-256 of the data set's four files"),
            new Column("model_path", Column.Type.STRING, "the kept DL4J model file (best K trials only), else null"),
            new Column("engine_version", Column.Type.STRING, "sparksweep version"),
            new Column("dl4j_version", Column.Type.STRING, "Deeplearning4j version"),
            new Column("spark_version", Column.Type.STRING, "Spark version"),
            new Column("java_version", Column.Type.STRING, "Java runtime version"));

    public LeaderboardRow {
        Objects.requireNonNull(sweep, "sweep");
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(status, "status");
    }

    /** Where a trial ran and what else the driver knows about it. */
    public record Placement(String executorId, String device, String dataSha256, String modelPath,
                            String engineVersion, String sparkVersion) {
    }

    public static LeaderboardRow of(TrialSpec t, TrialResult r, Placement where) {
        Map<String, Double> op = t.params().optimizer().parameters();
        return new LeaderboardRow(t.sweepName(), t.trialId(), t.index(), r.status(), t.params().architecture().name(),
                t.params().optimizer().type(), t.params().learningRate(), t.params().batchSize(), t.training().epochs(),
                r.history().size(), t.params().dropout(), t.params().weightDecay(), op.get("momentum"), op.get("beta1"),
                op.get("beta2"), op.get("epsilon"), op.get("decay"), t.training().schedule().canonical(),
                finite(r.valAccuracy()), finite(r.valLoss()), finite(r.testAccuracy()), finite(r.testLoss()),
                finite(r.metric(t.objective().metric())), r.trainSeconds(), finite(r.samplesPerSecond()),
                r.startedAt(), r.finishedAt(), r.environment().host(), where.executorId(), where.device(),
                r.environment().backend(), r.seed(), r.error(), TrialJson.write(t), t.sweepFileHash(), where.dataSha256(),
                where.modelPath(), where.engineVersion(), r.environment().dl4j(), where.sparkVersion(), r.environment().java());
    }

    /** The same row with another model path (a model kept or dropped later). */
    public LeaderboardRow withModelPath(String path) {
        return new LeaderboardRow(sweep, trialId, trialIndex, status, architecture, optimizer, learningRate, batchSize,
                epochs, epochsRun, dropout, weightDecay, momentum, beta1, beta2, epsilon, rmsDecay, lrSchedule, valAccuracy,
                valLoss, testAccuracy, testLoss, objective, trainSeconds, samplesPerSecond, startedAt, finishedAt, host,
                executorId, device, backend, seed, error, paramsJson, sweepFileHash, dataSha256, path, engineVersion,
                dl4jVersion, sparkVersion, javaVersion);
    }

    /** Values in {@link #COLUMNS} order. */
    public List<Object> values() {
        return java.util.Arrays.asList(sweep, trialId, trialIndex, status.name(), architecture, optimizer, learningRate,
                batchSize, epochs, epochsRun, dropout, weightDecay, momentum, beta1, beta2, epsilon, rmsDecay, lrSchedule,
                valAccuracy, valLoss, testAccuracy, testLoss, objective, trainSeconds, samplesPerSecond, startedAt,
                finishedAt, host, executorId, device, backend, seed, error, paramsJson, sweepFileHash, dataSha256,
                modelPath, engineVersion, dl4jVersion, sparkVersion, javaVersion);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
