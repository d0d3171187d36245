package io.sparksweep.spark.cli;

import io.sparksweep.spark.session.SparkSessions;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Options that shape the Spark session: master, extra settings, verbose logs. */
final class SessionOptions {

    @Option(names = {"-m", "--master"}, paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local[*] inside this JVM).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting; may repeat.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Show Spark's and the engine's INFO logs.")
    boolean verbose;

    SparkSession session(String appName) {
        if (verbose) {
            Configurator.setRootLevel(Level.INFO);
        }
        return SparkSessions.create(appName, master(), conf);
    }

    /**
     * Whether the session's executor is this JVM: a local master ({@code local}, {@code local[N]},
     * {@code local[N,F]}), this option's, spark-submit's or the default; not {@code local-cluster}.
     */
    boolean local() {
        String m = master();
        m = m != null ? m : System.getProperty("spark.master");
        return m.equals("local") || m.startsWith("local[");
    }

    /** The master to set: this option's, else none under spark-submit (it set one), else local[*]. */
    private String master() {
        if (master == null && System.getProperty("spark.master") == null) {
            return "local[*]";
        }
        return master;
    }
}
