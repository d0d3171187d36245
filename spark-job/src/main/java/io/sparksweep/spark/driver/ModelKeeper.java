package io.sparksweep.spark.driver;

import io.sparksweep.core.spec.Objective;
import io.sparksweep.spark.store.Leaderboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the DL4J model files of a sweep's best K trials (by the sweep's objective) and no others, so that a
 * thousand-trial sweep does not fill the disk. Executors write a trial's model when it beats the
 * {@link #threshold} they were given; a model pushed out of the best K is deleted and its row's
 * {@code model_path} cleared (the row first, so that no row points at a missing file).
 */
final class ModelKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(ModelKeeper.class);

    private final Leaderboard store;
    private final String sweep;
    private final Objective objective;
    private final int keep;
    private final Map<String, Double> kept = new HashMap<>();

    /** @param alreadyKept trial id to objective, for models kept by earlier runs of the sweep */
    ModelKeeper(Leaderboard store, String sweep, Objective objective, int keep, Map<String, Double> alreadyKept) {
        this.store = store;
        this.sweep = sweep;
        this.objective = objective;
        this.keep = keep;
        this.kept.putAll(alreadyKept);
    }

    /** Deletes model files that no row points at: left by a run killed between writing a model and its row. */
    void removeOrphans() {
        Set<String> referenced = kept.keySet();
        for (String id : store.modelIds(sweep)) {
            if (!referenced.contains(id)) {
                store.deleteModel(sweep, id);
                LOG.info("removed the model file of trial {}: no row points at it", id);
            }
        }
    }

    /** Whether trial {@code trialId}'s model is among the kept ones. */
    boolean holds(String trialId) {
        return kept.containsKey(trialId);
    }

    boolean keepsModels() {
        return keep > 0;
    }

    /** The objective a new model must beat to be kept: the worst of the best K, or null while fewer are kept. */
    Double threshold() {
        return keep == 0 || kept.size() < keep ? null : kept.get(worst());
    }

    /** An executor kept this trial's model: it joins the best K, and whatever falls out of them is dropped. */
    void kept(String trialId, double value) {
        kept.put(trialId, value);
        while (kept.size() > keep) {
            String out = worst();
            kept.remove(out);
            store.clearModelPath(sweep, out);
            store.deleteModel(sweep, out);
            LOG.debug("model of trial {} dropped: no longer in the best {}", out, keep);
        }
    }

    private String worst() {
        Comparator<Map.Entry<String, Double>> better = (a, b) ->
                objective.isBetter(a.getValue(), b.getValue()) ? -1 : objective.isBetter(b.getValue(), a.getValue()) ? 1 : a.getKey().compareTo(b.getKey());
        return kept.entrySet().stream().max(better).orElseThrow().getKey();
    }
}
