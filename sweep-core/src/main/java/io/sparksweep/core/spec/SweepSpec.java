package io.sparksweep.core.spec;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed, valid sweep file. Produced by {@link SweepFileParser}; the next step is
 * {@link io.sparksweep.core.search.Planner}, which turns it into trials.
 *
 * @param name       the sweep's name: the leaderboard partition and part of every trial id
 * @param seed       the sweep seed; every trial's seed derives from it
 * @param objective  what the sweep optimises
 * @param dataset    what it trains on
 * @param training   how each trial trains
 * @param search     which hyperparameters it explores
 * @param scheduler  how trials are scheduled: whole, or in segments (successive halving, the median rule)
 * @param budget     limits on trials, epochs and time
 * @param fileSha256 the SHA-256 of the sweep file's bytes, stored on every row
 */
public record SweepSpec(String name, long seed, Objective objective, DatasetSpec dataset, TrainingSpec training,
                        SearchSpec search, SchedulerSpec scheduler, Budget budget, String fileSha256) {

    /** Names become folder names ({@code sweep=NAME}) and SQL values: keep them plain. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    public SweepSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("sweep name must match " + NAME.pattern() + ", found " + name);
        }
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(search, "search");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(fileSha256, "fileSha256");
    }
}
