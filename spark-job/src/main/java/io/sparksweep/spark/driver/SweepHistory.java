package io.sparksweep.spark.driver;

import io.sparksweep.core.result.TrialJson;
import io.sparksweep.core.spec.SweepSpec;
import io.sparksweep.core.trial.History;
import io.sparksweep.core.trial.TrialIds;
import io.sparksweep.core.trial.TrialParams;
import io.sparksweep.core.trial.TrialRecord;
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
 * A sweep's {@link History} rebuilt from its leaderboard rows, the only state a rerun needs: the rows the
 * current sweep file would write itself (a row's id, recomputed from its parameters with this file's name,
 * seed, training and data settings, is its own id) with their status and objective. Rows of an earlier
 * version of the file stay in the leaderboard and out of the history.
 */
final class SweepHistory {

    private static final Logger LOG = LoggerFactory.getLogger(SweepHistory.class);

    private SweepHistory() {
    }

    /**
     * What a rerun starts from.
     *
     * @param history    the sweep's own trials that count as done
     * @param keptModels trial id to objective of the rows that point at a kept model
     * @param foreign    rows of the partition that belong to another version of the file
     */
    record Loaded(History history, Map<String, Double> keptModels, int foreign) {
    }

    /** @param rerunFailed leave FAILED and DIVERGED rows out of the history, so that their trials run again */
    static Loaded read(List<Map<String, Object>> rows, SweepSpec sweep, boolean rerunFailed) {
        TrialIds ids = TrialIds.of(sweep);
        List<TrialRecord> records = new ArrayList<>();
        List<Map<String, Object>> unnumbered = new ArrayList<>();
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
            TrialStatus status = TrialStatus.valueOf((String) row.get("status"));
            if (rerunFailed && status.failed()) {
                continue;
            }
            if (row.get("suggestion") == null) {
                unnumbered.add(row);
            } else {
                records.add(record(row, params, status, (Integer) row.get("suggestion")));
            }
        }
        // Rows written before suggestions were numbered take numbers after the others, in the order they finished.
        int next = records.stream().mapToInt(TrialRecord::suggestion).max().orElse(-1) + 1;
        unnumbered.sort(Comparator.comparing((Map<String, Object> r) -> (Instant) r.getOrDefault("finished_at", Instant.EPOCH))
                .thenComparing(r -> (String) r.get("trial_id")));
        for (Map<String, Object> row : unnumbered) {
            records.add(record(row, params(row), TrialStatus.valueOf((String) row.get("status")), next++));
        }
        if (foreign > 0) {
            LOG.info("sweep {}: {} rows belong to another version of the sweep file (other name, seed, training or data settings) "
                    + "and are left out of its history", sweep.name(), foreign);
        }
        return new Loaded(History.of(ids, sweep.objective(), records), kept, foreign);
    }

    private static TrialRecord record(Map<String, Object> row, TrialParams params, TrialStatus status, int suggestion) {
        Integer epochs = (Integer) row.get("epochs_run");
        return new TrialRecord((String) row.get("trial_id"), params, status, (Double) row.get("objective"),
                epochs == null ? 0 : epochs, List.of(), suggestion);
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
