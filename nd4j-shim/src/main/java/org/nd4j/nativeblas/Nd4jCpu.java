package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Revives DL4J's oneDNN layer helpers on ND4J 1.0.0-M2.1. DL4J's {@code BaseMKLDNNHelper} asks
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} whether oneDNN is usable,
 * but M2.1 ships that class as {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} with
 * {@code isUseONEDNN()}: the lookup fails and every convolution, pooling and batch-norm helper is dropped.
 * This class sits at the looked-up name and forwards to the real one (by reflection, so that sweep-core
 * also compiles and runs against the CUDA backend, where it answers false).
 */
public final class Nd4jCpu {

    private static final String REAL = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private Nd4jCpu() {
    }

    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        /** The real environment and its isUseONEDNN, looked up once: DL4J asks on every helper check. */
        private final Object real;
        private final Method useOneDnn;

        private Environment() {
            Object env = null;
            Method method = null;
            try {
                Class<?> type = Class.forName(REAL);
                env = type.getMethod("getInstance").invoke(null);
                method = type.getMethod("isUseONEDNN");
            } catch (ReflectiveOperationException | LinkageError e) {
                // not the CPU backend: no oneDNN
            }
            real = env;
            useOneDnn = method;
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether the loaded libnd4j was built with oneDNN (the -onednn classifiers) and uses it. */
        public boolean isUseMKLDNN() {
            if (useOneDnn == null) {
                return false;
            }
            try {
                return (Boolean) useOneDnn.invoke(real);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }
}
