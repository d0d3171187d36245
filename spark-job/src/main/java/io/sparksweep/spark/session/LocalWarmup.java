package io.sparksweep.spark.session;

import io.sparksweep.spark.exec.ExecutorData;

import io.sparksweep.core.data.MnistData;
import io.sparksweep.core.fastpath.FastPath;
import io.sparksweep.core.spec.Architecture;
import io.sparksweep.core.spec.Axis;
import io.sparksweep.core.spec.Dimension;
import io.sparksweep.core.spec.SweepSpec;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * In local mode the launcher's JVM is also the executor, and its first trials wait for the same things
 * before they train: the data set read and prepared ({@link ExecutorData}), ND4J's native libraries
 * loaded and, for a sweep with CNNs, the Vector API's kernels compiled ({@link FastPath#warmUp}). That
 * work does not need Spark, so it starts on threads of its own while the Spark session starts; the
 * trials then find it done in the shared caches, or wait for it there. Nothing here is the sweep's: a
 * failure is left for the sweep to meet again and report as usual (a bad data set is still the trials'
 * FAILED rows with their error).
 */
public final class LocalWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(LocalWarmup.class);

    private LocalWarmup() {
    }

    /**
     * Starts loading ND4J and, beside it, reading and preparing {@code sweep}'s data set, and the kernels'
     * warm-up where the sweep has CNNs, each on a daemon thread (the data set needs ND4J only for its last
     * step, which waits for ND4J's thread); returns the data set's thread.
     */
    public static Thread start(SweepSpec sweep) {
        if (hasCnn(sweep)) {
            daemon("sparksweep-warmup-kernels", () -> {
                long t0 = System.nanoTime();
                try {
                    FastPath.warmUp();
                    LOG.debug("kernels warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("kernel warm-up stopped (the first CNN runs it again): {}", e.toString());
                }
            });
        }
        Thread nd4j = daemon("sparksweep-warmup-nd4j", () -> {
            try {
                Nd4j.getBackend();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("ND4J warm-up stopped (the sweep meets this again and reports it): {}", e.toString());
            }
        });
        return daemon("sparksweep-warmup-data", () -> {
            MDC.put("sweep", sweep.name());
            long t0 = System.nanoTime();
            try {
                MnistData data = ExecutorData.load(sweep.dataset().location());
                // The first arrays wait for ND4J's own thread rather than race it through ND4J's static
                // initialisers, which load the backend and touch each other's classes.
                nd4j.join();
                ExecutorData.prepared(sweep.dataset(), data.contentSha256(), sweep.seed());
                LOG.debug("data set and ND4J ready before the first trial in {} ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("data warm-up stopped (the sweep meets this again and reports it): {}", e.toString());
            } finally {
                MDC.remove("sweep");
            }
        });
    }

    /** Whether the sweep can train a CNN, whose layers use the Vector API's kernels. */
    private static boolean hasCnn(SweepSpec sweep) {
        Axis architectures = sweep.search().axis(Dimension.ARCHITECTURE);
        return architectures != null && architectures.domain().gridValues().stream().anyMatch(a -> a instanceof Architecture.Cnn);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
