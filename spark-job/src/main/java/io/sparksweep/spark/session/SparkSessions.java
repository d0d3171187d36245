package io.sparksweep.spark.session;

import io.sparksweep.spark.exec.ThreadBudget;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Spark sessions with the settings the engine needs, for the launcher, spark-submit and tests. */
public final class SparkSessions {

    /** conf/jvm.properties, as the build copies it into the jar: the settings the launcher also reads. */
    static final Properties JVM = jvmProperties();

    /** glibc settings for executors, the same as the launcher's (conf/jvm.properties, {@code malloc.NAME}). */
    static final Map<String, String> NATIVE_ENV = nativeEnv(JVM);

    private static Properties jvmProperties() {
        Properties p = new Properties();
        try (InputStream in = SparkSessions.class.getResourceAsStream("jvm.properties")) {
            if (in == null) {
                throw new IllegalStateException("jvm.properties is missing from the application jar (the build copies conf/jvm.properties)");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jvm.properties from the application jar", e);
        }
        return p;
    }

    private static Map<String, String> nativeEnv(Properties p) {
        Map<String, String> env = new TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("malloc.")).forEach(k -> env.put(k.substring("malloc.".length()), p.getProperty(k)));
        return Map.copyOf(env);
    }

    private SparkSessions() {
    }

    /** Settings every sweep needs, whatever the master. */
    public static SparkConf engineConf(SparkConf conf) {
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", SweepKryoRegistrator.class.getName());
        // Results carry model files (a few MB); leave room for them.
        conf.setIfMissing("spark.kryoserializer.buffer.max", "512m");
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        conf.setIfMissing("spark.sql.debug.maxToStringFields", "100");
        // One trial is one task: a lost executor retries it elsewhere, a bug fails it (a FAILED row) after that.
        conf.setIfMissing("spark.task.maxFailures", "3");
        // Executors size their OpenMP pools at start; each task then sizes ND4J to spark.task.cpus (ThreadBudget).
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        // The BLAS kernel family must be set before ND4J loads, so executors take the driver's (the
        // launcher detects it); clusters of other CPUs set spark.executorEnv.OPENBLAS_CORETYPE themselves.
        String core = System.getenv("OPENBLAS_CORETYPE");
        if (core != null && !core.isBlank()) {
            conf.setIfMissing("spark.executorEnv.OPENBLAS_CORETYPE", core);
        }
        // Measured on the launcher (see ./sparksweep): glibc keeps freed memory for ND4J's next batch, and
        // JavaCPP stops reading /proc/self/statm on every allocation; maxBytes still bounds ND4J's memory.
        // The Vector API's module lets the CNN's max pooling run its vector loops (FastPath).
        NATIVE_ENV.forEach((name, value) -> conf.setIfMissing("spark.executorEnv." + name, value));
        conf.setIfMissing("spark.executor.defaultJavaOptions",
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0 --add-modules=jdk.incubator.vector");
        return conf;
    }

    /**
     * A session for {@code master}; local masters bind to 127.0.0.1. Settings given by spark-submit
     * or {@code extra} win over the engine's defaults.
     */
    public static SparkSession create(String appName, String master, Map<String, String> extra) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        }
        extra.forEach(conf::set);
        if (conf.get("spark.master", "local[*]").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return SparkSession.builder().config(engineConf(conf)).getOrCreate();
    }
}
