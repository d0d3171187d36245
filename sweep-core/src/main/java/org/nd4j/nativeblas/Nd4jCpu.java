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

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether the loaded libnd4j was built with oneDNN (the -onednn classifiers) and uses it. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> real = Class.forName(REAL);
                Object env = real.getMethod("getInstance").invoke(null);
                Method useOneDnn = real.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(env);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
