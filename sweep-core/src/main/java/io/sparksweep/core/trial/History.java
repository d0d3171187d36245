package io.sparksweep.core.trial;

import io.sparksweep.core.spec.Objective;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A frozen view of one sweep's trials: those with a leaderboard row (finished, in any status) and those
 * in flight, in the order the sampler proposed them. Samplers and schedulers are functions of it
 * (as Optuna's samplers read {@code study.get_trials}): nothing else carries state from one decision to
 * the next, so the driver rebuilds it from the leaderboard after a crash and goes on.
 */
public final class History {

    private final TrialIds ids;
    private final Objective objective;
    private final List<TrialRecord> trials;
    private Map<String, Integer> byId;

    private History(TrialIds ids, Objective objective, List<TrialRecord> trials) {
        this.ids = Objects.requireNonNull(ids, "ids");
        this.objective = Objects.requireNonNull(objective, "objective");
        this.trials = trials;
    }

    public static History empty(TrialIds ids, Objective objective) {
        return new History(ids, objective, List.of());
    }

    /** A history of {@code trials} (one record per trial id), ordered by suggestion, then by id. */
    public static History of(TrialIds ids, Objective objective, Collection<TrialRecord> trials) {
        List<TrialRecord> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparingInt(TrialRecord::suggestion).thenComparing(TrialRecord::trialId));
        History h = new History(ids, objective, List.copyOf(sorted));
        if (h.index().size() != sorted.size()) {
            throw new IllegalArgumentException("a history holds one record per trial id; found duplicates among " + sorted.size());
        }
        return h;
    }

    /** This history with {@code r} in place of the record of the same trial, or added after the others. */
    public History with(TrialRecord r) {
        List<TrialRecord> next = new ArrayList<>(trials.size() + 1);
        next.addAll(trials);
        Integer at = index().get(r.trialId());
        if (at == null) {
            next.add(r);
        } else {
            next.set(at, r);
        }
        return new History(ids, objective, List.copyOf(next));
    }

    private Map<String, Integer> index() {
        Map<String, Integer> m = byId;
        if (m == null) {
            m = new HashMap<>(trials.size() * 2);
            for (int i = 0; i < trials.size(); i++) {
                m.put(trials.get(i).trialId(), i);
            }
            byId = m;
        }
        return m;
    }

    /** Every trial, finished or in flight, in suggestion order. */
    public List<TrialRecord> trials() {
        return trials;
    }

    /** The trials that have a row and are not in flight. */
    public List<TrialRecord> finished() {
        return trials.stream().filter(t -> t.status() != TrialStatus.RUNNING).toList();
    }

    public List<TrialRecord> running() {
        return trials.stream().filter(t -> t.status() == TrialStatus.RUNNING).toList();
    }

    /** The record of trial {@code id}, or null. */
    public TrialRecord get(String id) {
        Integer at = index().get(id);
        return at == null ? null : trials.get(at);
    }

    public boolean contains(String trialId) {
        return index().containsKey(trialId);
    }

    /** Whether the trial with these parameters has a row or is in flight. */
    public boolean contains(TrialParams params) {
        return contains(ids.id(params));
    }

    public int size() {
        return trials.size();
    }

    /** The suggestion number of the next trial proposed: one past the highest so far. */
    public int nextSuggestion() {
        return trials.stream().mapToInt(TrialRecord::suggestion).max().orElse(-1) + 1;
    }

    /** How this sweep names its trials. */
    public TrialIds ids() {
        return ids;
    }

    public Objective objective() {
        return objective;
    }
}
