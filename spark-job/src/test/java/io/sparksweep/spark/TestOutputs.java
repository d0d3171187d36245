package io.sparksweep.spark;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the integration tests look at from outside a running sweep. */
final class TestOutputs {

    private TestOutputs() {
    }

    /** Committed leaderboard files of one sweep under {@code out} (0 before the first commit). */
    static long committedRows(Path out, String sweep) {
        Path dir = out.resolve("leaderboard/sweep=" + sweep);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("trial-")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A small local session of the test JVM, for reading what the processes under test wrote. */
    static SparkSession reader() {
        return SparkSession.builder().master("local[1]").appName("read").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }
}
