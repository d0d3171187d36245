package io.sparksweep.spark;

import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.spec.SweepSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * In local mode the launcher's JVM is also the executor, and its first trials wait for the same things
 * before they train: the data set read and prepared ({@link ExecutorData}) and ND4J's native libraries
 * loaded. That work (1.5-2.5 s on a 2-core machine) does not need Spark, so it starts on a thread of its
 * own while the Spark session starts; the trials then find it done in the shared caches, or wait for it
 * there. Nothing here is the sweep's: a failure is left for the sweep to meet again and report as usual
 * (a bad data set is still the trials' FAILED rows with their error).
 */
public final class LocalWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(LocalWarmup.class);

    private LocalWarmup() {
    }

    /** Starts preparing {@code sweep}'s data set on a daemon thread and returns that thread. */
    public static Thread start(SweepSpec sweep) {
        Thread t = new Thread(() -> {
            MDC.put("sweep", sweep.name());
            long t0 = System.nanoTime();
            try {
                MnistData data = ExecutorData.load(sweep.dataset().location());
                ExecutorData.prepared(sweep.dataset(), data.contentSha256(), sweep.seed());
                LOG.debug("data set and ND4J ready before the first trial in {} ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("warm-up stopped (the sweep meets this again and reports it): {}", e.toString());
            } finally {
                MDC.remove("sweep");
            }
        }, "sparksweep-warmup");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
