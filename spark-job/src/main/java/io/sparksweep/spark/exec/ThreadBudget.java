package io.sparksweep.spark.exec;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Sizes ND4J's thread pools (its own, OpenMP's and OpenBLAS's) to the cores one task was given
 * ({@code spark.task.cpus}), so that several trials sharing an executor do not oversubscribe it.
 * ND4J's and OpenBLAS's settings are process-wide; OpenMP's is a setting of each thread (libgomp keeps
 * it per thread, and a thread that never set it has the process default: OMP_NUM_THREADS, else every
 * core), so every task sets it on its own thread. Without that, in local mode, where executorEnv does
 * not apply, each trial's oneDNN and libnd4j loops used every core while the other trials did too.
 */
public final class ThreadBudget {

    private static volatile int applied = -1;

    private ThreadBudget() {
    }

    /** Applies the budget to the calling thread (OpenMP) and, once per process, to ND4J and OpenBLAS. */
    public static void apply(int threads) {
        if (threads != applied) {
            synchronized (ThreadBudget.class) {
                if (threads != applied) {
                    Nd4j.getEnvironment().setMaxThreads(threads);
                    Nd4j.getEnvironment().setMaxMasterThreads(threads);
                    Nd4j.factory().blas().setMaxThreads(threads);
                    applied = threads;
                }
            }
        }
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }

    /** OpenMP's thread count on the calling thread. */
    static int openMpThreads() {
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }
}
