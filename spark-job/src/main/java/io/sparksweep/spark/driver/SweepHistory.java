package io.sparksweep.spark.driver;

import io.sparksweep.core.result.TrialJson;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.EpochMetrics;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialIds;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
import io.sparksweep.core.trial.TrialSpec;
import io.sparksweep.core.trial.TrialStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's {@link History} rebuilt from its leaderboard rows (and, for a scheduled sweep, its epochs), the
 * only state a rerun needs: the rows the current sweep file would write itself (a row's id, recomputed from
 * its parameters with this file's name, seed, training and data settings, is its own id) with their status,
 * objective and epochs. Rows of an earlier version of the file stay in the leaderboard and out of the history.
 */
final class SweepHistory {

    private static final Logger LOG = LoggerFactory.getLogger(SweepHistory.class);

    private SweepHistory() {
    }

    /** What the driver knows of one trial beyond its record: what its next segment needs. */
    record Entry(TrialSpec spec, List<EpochMetrics> epochs, Instant startedAt) {
        Entry {
            epochs = List.copyOf(epochs);
        }
    }

    /**
     * What a rerun starts from.
     *
     * @param history    the sweep's own trials that count
     * @param trials     each of those trials' spec, epochs and start
     * @param keptModels trial id to objective of the rows that point at a kept model
     * @param foreign    rows of the partition that belong to another version of the file
     */
    record Loaded(History history, Map<String, Entry> trials, Map<String, Double> keptModels, int foreign) {
    }

    /**
     * @param epochs      each trial's epochs from the epochs table (empty when the sweep has no scheduler: then
     *                    nothing resumes, and curves are not needed)
     * @param rerunFailed leave FAILED and DIVERGED rows out of the history, so that their trials run again
     */
    static Loaded read(List<Map<String, Object>> rows, Map<String, List<EpochMetrics>> epochs, SweepSpec sweep, boolean rerunFailed) {
        TrialIds ids = TrialIds.of(sweep);
        List<Map<String, Object>> own = new ArrayList<>();
        Map<String, Double> kept = new HashMap<>();
        int foreign = 0;
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("trial_id");
            TrialParams params = params(row);
            if (params == null || !ids.id(params).equals(id)) {
                foreign++;
                continue;
            }
            Double objective = (Double) row.get("objective");
            if (row.get("model_path") != null && objective != null) {
                kept.put(id, objective);
            }
            if (rerunFailed && TrialStatus.valueOf((String) row.get("status")).failed()) {
                continue;
            }
            own.add(row);
        }
        // Rows written before suggestions were numbered take numbers after the others, in the order they finished.
        int next = own.stream().filter(r -> r.get("suggestion") != null).mapToInt(r -> (Integer) r.get("suggestion")).max().orElse(-1) + 1;
        own.sort(Comparator.comparing((Map<String, Object> r) -> r.get("suggestion") == null ? 1 : 0)
                .thenComparing(r -> (Instant) r.getOrDefault("finished_at", Instant.EPOCH)).thenComparing(r -> (String) r.get("trial_id")));
        List<TrialRecord> records = new ArrayList<>();
        Map<String, Entry> entries = new HashMap<>();
        for (Map<String, Object> row : own) {
            String id = (String) row.get("trial_id");
            TrialParams params = params(row);
            int suggestion = row.get("suggestion") == null ? next++ : (Integer) row.get("suggestion");
            int epochsRun = row.get("epochs_run") == null ? 0 : (Integer) row.get("epochs_run");
            // Epochs past the row's are a segment whose row never came (its task died): they do not count.
            List<EpochMetrics> mine = epochs.getOrDefault(id, List.of()).stream().filter(m -> m.epoch() <= epochsRun).toList();
            boolean complete = mine.size() == epochsRun;
            List<Double> curve = complete ? mine.stream().map(m -> m.metric(sweep.objective().metric())).toList() : List.of();
            records.add(new TrialRecord(id, params, TrialStatus.valueOf((String) row.get("status")), (Double) row.get("objective"),
                    epochsRun, curve, suggestion));
            String strategy = row.get("strategy") == null ? sweep.search().strategy().key() : (String) row.get("strategy");
            int index = row.get("trial_index") == null ? suggestion : (Integer) row.get("trial_index");
            int seen = row.get("history_size") == null ? 0 : (Integer) row.get("history_size");
            entries.put(id, new Entry(TrialSpec.of(sweep, params, index, new TrialSpec.Origin(strategy, suggestion, seen)),
                    complete ? mine : List.of(), (Instant) row.get("started_at")));
        }
        if (foreign > 0) {
            LOG.info("sweep {}: {} rows belong to another version of the sweep file (other name, seed, training or data settings) "
                    + "and are left out of its history", sweep.name(), foreign);
        }
        return new Loaded(History.of(ids, sweep.objective(), records), entries, kept, foreign);
    }

    private static TrialParams params(Map<String, Object> row) {
        Object json = row.get("params_json");
        if (json == null) {
            return null;
        }
        try {
            return TrialJson.params((String) json);
        } catch (IllegalArgumentException e) {
            LOG.debug("row of trial {} has params_json this engine cannot read: {}", row.get("trial_id"), e.getMessage());
            return null;
        }
    }
}
