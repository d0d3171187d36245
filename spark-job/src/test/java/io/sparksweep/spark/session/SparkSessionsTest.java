package io.sparksweep.spark.session;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SparkSessionsTest {

    @Test
    void engineConf_givesExecutorsTheMeasuredNativeSettings() {
        SparkConf conf = SparkSessions.engineConf(new SparkConf(false).set("spark.task.cpus", "2"));
        assertEquals("2", conf.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertEquals("PASSIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"));
        assertEquals("33554432", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
        assertEquals("268435456", conf.get("spark.executorEnv.MALLOC_TRIM_THRESHOLD_"));
        assertEquals("67108864", conf.get("spark.executorEnv.MALLOC_TOP_PAD_"));
        assertEquals("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0 --add-modules=jdk.incubator.vector", conf.get("spark.executor.defaultJavaOptions"));
    }

    @Test
    void engineConf_keepsWhatTheJobSet() {
        SparkConf conf = SparkSessions.engineConf(new SparkConf(false)
                .set("spark.executorEnv.MALLOC_TOP_PAD_", "0")
                .set("spark.executor.defaultJavaOptions", "-Dx=1"));
        assertEquals("0", conf.get("spark.executorEnv.MALLOC_TOP_PAD_"));
        assertEquals("-Dx=1", conf.get("spark.executor.defaultJavaOptions"));
    }
}
