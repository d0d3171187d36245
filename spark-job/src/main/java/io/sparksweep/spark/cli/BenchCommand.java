package io.sparksweep.spark.cli;

import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.search.Planner;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.trial.TrialResult;
import io.sparksweep.core.train.TrialRunner;
import io.sparksweep.spark.exec.ThreadBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sparksweep bench}: times one trial of a tutorial network with the engine's own trial runner
 * (no Spark), printing one JSON line per epoch with the fields of the PyTorch anchor
 * (train_seconds, samples_per_second, test_accuracy), for side-by-side benchmarks (bench/run.sh).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time one trial of mlp, deep_mlp or cnn on Fashion-MNIST with sparksweep's trial runner; one JSON line per epoch.",
        footer = {"", "Examples:", "  sparksweep bench --model mlp --epochs 1 --threads 1",
                "  sparksweep bench --model cnn --train-images 6400 --threads 2"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "mlp", description = "mlp, deep_mlp or cnn (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "1", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", defaultValue = "0", description = "ND4J threads (default 0: ND4J's own choice).")
    int threads;

    @Option(names = "--train-images", defaultValue = "0",
            description = "Train on the first N training images only, to time a fixed number of batches (0: all 60,000).")
    int trainImages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", description = "Data folder (default: ${DEFAULT-VALUE}).")
    String data;

    @Override
    public Integer call() {
        if (threads > 0) {
            ThreadBudget.apply(threads);
        }
        // A validation split of one image keeps (almost) the whole training set for training, as the tutorial does.
        int trainCount = trainImages > 0 ? trainImages + 1 : 60_001;
        String yaml = String.format(Locale.ROOT, """
                name: bench
                seed: %d
                dataset: {location: "%s", validation_split: %s, train_limit: %d}
                training: {epochs: %d, eval_batch_size: 256}
                search: {architecture: [%s], optimizer: [{type: momentum, momentum: 0.9}], learning_rate: [0.01], batch_size: [%d]}
                """, seed, data, 1.0 / trainCount, trainImages > 0 ? trainImages + 1 : 0, epochs, model, batchSize);
        SweepSpec spec = SweepFileParser.parse("bench.yaml", yaml.getBytes(StandardCharsets.UTF_8), Path.of("."));
        TrialSpec trial = Planner.plan(spec).get(0);
        long t0 = System.nanoTime();
        PreparedData prepared = PreparedData.prepare(MnistData.load(Path.of(spec.dataset().location())), spec.dataset(), spec.seed());
        double dataSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        TrialResult r = new TrialRunner(Clock.systemUTC()).run(trial, prepared);
        double trialSeconds = (System.nanoTime() - t1) / 1e9;
        if (r.error() != null) {
            System.err.println("bench: trial " + r.status() + ": " + r.error());
            return 1;
        }
        for (EpochMetrics m : r.history()) {
            System.out.printf(Locale.ROOT, "{\"engine\": \"sparksweep\", \"model\": \"%s\", \"epoch\": %d, \"batch_size\": %d, "
                            + "\"threads\": %d, \"train_images\": %d, \"train_seconds\": %.4f, \"samples_per_second\": %.1f, "
                            + "\"train_loss\": %.5f, \"test_accuracy\": %.4f, \"data_load_seconds\": %.3f, "
                            + "\"trial_seconds\": %.3f, \"blas_core\": \"%s\"}%n",
                    model, m.epoch(), batchSize, threads, prepared.trainSize(), m.trainSeconds(),
                    m.samplesPerSecond(), m.trainLoss(), m.testAccuracy(), dataSeconds, trialSeconds, r.environment().blasCore());
        }
        return 0;
    }
}
