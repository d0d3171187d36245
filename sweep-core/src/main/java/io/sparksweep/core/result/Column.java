package io.sparksweep.core.result;

/**
 * One column of the leaderboard or epochs table: its name, type and meaning. The Spark side maps
 * types to Spark SQL types; the README's schema tables are this list.
 */
public record Column(String name, Type type, String description) {

    public enum Type { STRING, INT, LONG, DOUBLE, TIMESTAMP }
}
