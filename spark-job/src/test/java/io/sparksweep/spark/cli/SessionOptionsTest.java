package io.sparksweep.spark.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionOptionsTest {

    private static boolean local(String master) {
        SessionOptions o = new SessionOptions();
        o.master = master;
        return o.local();
    }

    @Test
    void local_onlyForMastersWhoseExecutorIsThisJvm() {
        String submitted = System.getProperty("spark.master");
        System.clearProperty("spark.master");
        try {
            assertEquals(true, local(null), "the default, local[*]");
            assertEquals(true, local("local"));
            assertEquals(true, local("local[2]"));
            assertEquals(true, local("local[4,3]"));
            assertEquals(false, local("local-cluster[2,1,1024]"));
            assertEquals(false, local("spark://10.0.0.5:7077"));
            System.setProperty("spark.master", "spark://10.0.0.5:7077");
            assertEquals(false, local(null), "spark-submit's master");
            assertEquals(true, local("local[2]"), "the option wins");
        } finally {
            if (submitted == null) {
                System.clearProperty("spark.master");
            } else {
                System.setProperty("spark.master", submitted);
            }
        }
    }
}
