package io.sparksweep.core.trial;

import io.sparksweep.core.fastpath.FastPath;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Properties;

/**
 * Where and with what a trial ran; travels with every result (provenance).
 *
 * @param host      host name of the JVM that trained it
 * @param pid       that JVM's process id
 * @param java      Java runtime version
 * @param dl4j      Deeplearning4j version
 * @param backend   ND4J backend class, such as {@code CpuBackend}, with {@code +onednn} when DL4J's oneDNN
 *                  layer helpers are in use
 * @param blasCore  OPENBLAS_CORETYPE as set for the process, or {@code auto}
 * @param threads   ND4J's maximum threads for this trial
 */
public record RunEnvironment(String host, long pid, String java, String dl4j, String backend, String blasCore, int threads) implements java.io.Serializable {

    public static RunEnvironment capture() {
        String core = System.getenv("OPENBLAS_CORETYPE");
        return new RunEnvironment(hostName(), ProcessHandle.current().pid(), Runtime.version().toString(), dl4jVersion(),
                Nd4j.getBackend().getClass().getSimpleName() + (FastPath.oneDnnActive() ? "+onednn" : ""), core == null || core.isBlank() ? "auto" : core,
                Nd4j.getEnvironment().maxThreads());
    }

    static String dl4jVersion() {
        try (InputStream in = RunEnvironment.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
