package io.sparksweep.spark.driver;

import io.sparksweep.core.data.PreparedData;
import io.sparksweep.core.model.NetworkFactory;
import io.sparksweep.core.train.Evaluator;
import io.sparksweep.core.train.TrialRunner;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.spark.exec.ExecutorData;
import io.sparksweep.spark.exec.ThreadBudget;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A refit trained across the executors with dl4j-spark's parameter averaging. Each epoch's minibatches
 * (every training image, validation split included, in the epoch's order from the trial seed) go in rounds
 * of {@code averagingFrequency} minibatches for each of the {@code workers} copies of the network; after
 * each round the copies' parameters and updater state are averaged on the driver and broadcast again.
 * A round's minibatches are cut on the executors, from the data set each reads itself, one partition per
 * copy, and stay where they were cut (no repartitioning, kept deserialised): only parameters cross the
 * network. The rounds are ours rather than dl4j-spark's random splits, whose partitions come out uneven,
 * and its worker drops what a partition holds beyond the averaging frequency: here every minibatch of
 * every epoch trains once. Trains DL4J's own layers (the fast path's helpers are for one JVM's loop); the
 * driver evaluates the averaged network on the test set.
 */
public final class DataParallelRefit {

    /** What the training produced: the averaged network and where it trained. */
    public record Outcome(MultiLayerNetwork net, Evaluator.Score test, double trainSeconds, int trainImages, int averagings,
                          Map<String, Long> minibatchesByExecutor, Instant startedAt, Instant finishedAt) {
    }

    private DataParallelRefit() {
    }

    /**
     * Trains {@code trial}'s configuration for its epochs on {@code workers} copies averaged every
     * {@code averagingFrequency} minibatches, each worker's ND4J sized to {@code threads} cores.
     */
    public static Outcome train(JavaSparkContext jsc, TrialSpec trial, String dataSha256, int workers, int averagingFrequency, int threads) {
        int batch = trial.params().batchSize();
        PreparedData all = ExecutorData.preparedAll(trial.dataset(), dataSha256);
        Nd4j.getRandom().setSeed(trial.seed());
        MultiLayerNetwork net = NetworkFactory.build(trial.params(), trial.training().schedule(), trial.seed());
        CollectionAccumulator<String> trainedOn = jsc.sc().collectionAccumulator("sparksweep refit minibatches");
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(averagingFrequency)
                .saveUpdater(true)
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .rngSeed(trial.seed())
                .trainingHooks(new CountingHook(trainedOn, threads))
                .build();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(jsc, net, master);
        int minibatches = (all.trainSize() + batch - 1) / batch;
        int perRound = workers * averagingFrequency;
        int rounds = 0;
        Instant started = Clock.systemUTC().instant();
        long t0 = System.nanoTime();
        for (int epoch = 0; epoch < trial.training().epochs(); epoch++) {
            for (int first = 0; first < minibatches; first += perRound) {
                // fit() counts an epoch per call; the schedule must see the epoch this round belongs to
                spark.getNetwork().setEpochCount(epoch);
                JavaRDD<DataSet> round = jsc.parallelize(IntStream.range(0, workers).boxed().toList(), workers)
                        .mapPartitionsWithIndex(new RoundMinibatches(trial, dataSha256, epoch, first, Math.min(perRound, minibatches - first),
                                workers, threads), true);
                spark.fit(round);
                rounds++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Instant finished = Clock.systemUTC().instant();
        MultiLayerNetwork trained = spark.getNetwork();
        trained.setEpochCount(trial.training().epochs());
        Evaluator.Score test = Evaluator.evaluate(trained, all.testX(), all.testY(), all.testLabels(), trial.training().evalBatchSize());
        Map<String, Long> byExecutor = new TreeMap<>();
        for (String id : trainedOn.value()) {
            byExecutor.merge(id, 1L, Long::sum);
        }
        return new Outcome(trained, test, seconds, all.trainSize(), rounds, byExecutor, started, finished);
    }

    /**
     * One round's minibatches of one partition, cut on the executor: of the epoch's order of every training
     * image (from the trial seed and the epoch, as a one-task trial's), minibatches {@code first} to
     * {@code first + count - 1}, every {@code partitions}-th from {@code first + partition}: at most the
     * averaging frequency each, which is all that dl4j-spark's worker trains between averagings.
     */
    static final class RoundMinibatches implements Function2<Integer, Iterator<Integer>, Iterator<DataSet>> {

        private static final long serialVersionUID = 1L;
        private final TrialSpec trial;
        private final String dataSha256;
        private final int epoch;
        private final int first;
        private final int count;
        private final int partitions;
        private final int threads;

        RoundMinibatches(TrialSpec trial, String dataSha256, int epoch, int first, int count, int partitions, int threads) {
            this.trial = trial;
            this.dataSha256 = dataSha256;
            this.epoch = epoch;
            this.first = first;
            this.count = count;
            this.partitions = partitions;
            this.threads = threads;
        }

        @Override
        public Iterator<DataSet> call(Integer partition, Iterator<Integer> ignored) {
            ThreadBudget.apply(threads);
            PreparedData all = ExecutorData.preparedAll(trial.dataset(), dataSha256);
            int batch = trial.params().batchSize();
            int[] order = PreparedData.permutation(all.trainSize(), new Random(TrialRunner.epochSeed(trial.seed(), epoch)));
            PreparedData.TrainBatches batches = all.batches(batch);
            List<DataSet> mine = new ArrayList<>();
            for (int k = first + partition; k < first + count; k += partitions) {
                mine.add(batches.gather(order, k * batch).copy());
            }
            return mine.iterator();
        }
    }

    /** Counts each minibatch a worker trains, by executor, and sizes the worker's ND4J to its task's cores. */
    static final class CountingHook implements TrainingHook {

        private static final long serialVersionUID = 1L;
        private final CollectionAccumulator<String> trainedOn;
        private final int threads;

        CountingHook(CollectionAccumulator<String> trainedOn, int threads) {
            this.trainedOn = trainedOn;
            this.threads = threads;
        }

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            ThreadBudget.apply(threads);
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            trainedOn.add(SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId());
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
            ThreadBudget.apply(threads);
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
            trainedOn.add(SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId());
        }
    }
}
