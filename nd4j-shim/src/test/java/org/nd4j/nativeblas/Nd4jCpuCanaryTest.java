package org.nd4j.nativeblas;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails when the ND4J/DL4J pair on the classpath no longer needs this shim, or when it stops working:
 * each assertion names what changed and what to do.
 */
class Nd4jCpuCanaryTest {

    private static final String LOOKED_UP = "org.nd4j.nativeblas.Nd4jCpu$Environment";
    private static final String HELPER = "org/deeplearning4j/nn/layers/mkldnn/BaseMKLDNNHelper.class";

    @Test
    void dl4jStillLooksUpTheOldName() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(HELPER)) {
            assertNotNull(in, "DL4J no longer has " + HELPER + ": check how it finds oneDNN now, and remove nd4j-shim if it works without it");
            String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(constants.contains(LOOKED_UP) && constants.contains("isUseMKLDNN"),
                    "DL4J's BaseMKLDNNHelper no longer asks " + LOOKED_UP + ".isUseMKLDNN(): nd4j-shim is not needed any more; remove it");
        }
    }

    @Test
    void nd4jDoesNotShipTheOldNameItself() throws IOException {
        List<URL> copies = Collections.list(getClass().getClassLoader().getResources("org/nd4j/nativeblas/Nd4jCpu.class"));
        assertEquals(1, copies.size(), "more than one org.nd4j.nativeblas.Nd4jCpu on the classpath (ND4J ships it again? then remove nd4j-shim): " + copies);
        assertTrue(copies.get(0).getPath().contains("nd4j-shim"), "org.nd4j.nativeblas.Nd4jCpu comes from " + copies.get(0) + ", not from nd4j-shim");
    }

    @Test
    void forwardsToTheRealEnvironment_whichSaysOneDnnIsOnWithTheOneDnnBuild() throws ReflectiveOperationException {
        Class<?> real = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
        Object env = real.getMethod("getInstance").invoke(null);
        boolean useOneDnn = (Boolean) real.getMethod("isUseONEDNN").invoke(env);
        assertTrue(useOneDnn, "the -onednn native build is expected on the test classpath (nd4j.classifier)");
        assertEquals(useOneDnn, Nd4jCpu.Environment.getInstance().isUseMKLDNN());
    }
}
