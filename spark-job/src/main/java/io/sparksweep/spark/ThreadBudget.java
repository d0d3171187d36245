package io.sparksweep.spark;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sizes ND4J's thread pools (its own and OpenBLAS's) to the cores one task was given
 * ({@code spark.task.cpus}), so that several trials sharing an executor do not oversubscribe it.
 * The settings are process-wide; every task of a job asks for the same number.
 */
public final class ThreadBudget {

    private static volatile int applied = -1;

    private ThreadBudget() {
    }

    public static void apply(int threads) {
        if (threads == applied) {
            return;
        }
        synchronized (ThreadBudget.class) {
            if (threads != applied) {
                Nd4j.getEnvironment().setMaxThreads(threads);
                Nd4j.getEnvironment().setMaxMasterThreads(threads);
                Nd4j.factory().blas().setMaxThreads(threads);
                applied = threads;
            }
        }
    }
}
