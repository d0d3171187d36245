package io.sparksweep.spark.driver;

import io.sparksweep.spark.store.Leaderboard;

import io.sparksweep.core.spec.Objective;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the DL4J model files of a sweep's best K trials (by the sweep's objective) and no others, so
 * that a thousand-trial sweep does not fill the disk. A model pushed out of the best K is deleted and
 * its row's {@code model_path} cleared.
 */
final class ModelKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(ModelKeeper.class);

    private final Leaderboard leaderboard;
    private final String sweep;
    private final Objective objective;
    private final int keep;
    private final Map<String, Double> kept = new HashMap<>();

    /** @param alreadyKept trial id to objective, for models kept by earlier runs of the sweep */
    ModelKeeper(Leaderboard leaderboard, String sweep, Objective objective, int keep, Map<String, Double> alreadyKept) {
        this.leaderboard = leaderboard;
        this.sweep = sweep;
        this.objective = objective;
        this.keep = keep;
        this.kept.putAll(alreadyKept);
    }

    /** Writes the model if the trial ranks in the best K; returns its path, or null when it is not kept. */
    String offer(String trialId, Double value, byte[] model) {
        if (keep == 0 || model == null || value == null) {
            return null;
        }
        if (kept.size() >= keep && !kept.containsKey(trialId) && !objective.isBetter(value, kept.get(worst()))) {
            return null;
        }
        Path file = modelFile(trialId);
        try {
            FileSystem fs = leaderboard.fileSystem(file);
            Path tmp = new Path(file.getParent(), "_tmp-" + trialId + ".zip");
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(model);
            }
            if (fs.exists(file)) {
                fs.delete(file, false);
            }
            if (!fs.rename(tmp, file)) {
                throw new IOException("cannot rename " + tmp + " to " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the model of trial " + trialId, e);
        }
        kept.put(trialId, value);
        return file.toString();
    }

    /** After the new row is committed: drops whatever fell out of the best K. */
    void evictBeyondK() {
        while (kept.size() > keep) {
            String out = worst();
            kept.remove(out);
            try {
                Path file = modelFile(out);
                leaderboard.fileSystem(file).delete(file, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the model of trial " + out, e);
            }
            leaderboard.clearModelPath(sweep, out);
            LOG.debug("model of trial {} dropped: no longer in the best {}", out, keep);
        }
    }

    private String worst() {
        Comparator<Map.Entry<String, Double>> better = (a, b) ->
                objective.isBetter(a.getValue(), b.getValue()) ? -1 : objective.isBetter(b.getValue(), a.getValue()) ? 1 : a.getKey().compareTo(b.getKey());
        return kept.entrySet().stream().max(better).orElseThrow().getKey();
    }

    private Path modelFile(String trialId) {
        return new Path(leaderboard.modelsDir(sweep), trialId + ".zip");
    }
}
