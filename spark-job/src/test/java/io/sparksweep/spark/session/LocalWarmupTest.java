package io.sparksweep.spark.session;

import io.sparksweep.spark.exec.ExecutorData;

import io.sparksweep.core.data.SyntheticMnist;
import io.sparksweep.core.spec.SweepFileParser;
import io.sparksweep.core.spec.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalWarmupTest {

    @TempDir
    Path dir;

    private SweepSpec sweep(String location, long seed) {
        return SweepFileParser.parse("warm.yaml", ("""
                name: warm
                seed: %d
                dataset: {location: %s, validation_split: 0.2}
                search:
                  learning_rate: [0.1]
                """).formatted(seed, location).getBytes(StandardCharsets.UTF_8), dir);
    }

    @Test
    void preparesTheDataThatTheSweepsTrialsAskFor() throws IOException, InterruptedException {
        SyntheticMnist.write(dir.resolve("data"), 120, 30, 4);
        SweepSpec sweep = sweep("data", 31);
        assertFalse(ExecutorData.holdsPrepared(sweep.dataset(), 31));

        LocalWarmup.start(sweep).join(60_000);

        assertTrue(ExecutorData.holdsPrepared(sweep.dataset(), 31), "the trials' cache key");
        String sha = ExecutorData.load(sweep.dataset().location()).contentSha256();
        assertSame(ExecutorData.prepared(sweep.dataset(), sha, 31), ExecutorData.prepared(sweep.dataset(), sha, 31));
        assertFalse(ExecutorData.holdsPrepared(sweep.dataset(), 32), "another sweep seed is another split");
    }

    @Test
    void leavesABrokenDataSetForTheSweepToReport() throws IOException, InterruptedException {
        Path data = SyntheticMnist.write(dir.resolve("broken"), 20, 10, 4);
        SweepSpec sweep = sweep("broken", 1);
        Files.write(data.resolve("train-images-idx3-ubyte.gz"), new byte[]{1, 2, 3});

        Thread t = LocalWarmup.start(sweep);
        t.join(60_000);

        assertFalse(t.isAlive());
        assertFalse(ExecutorData.holdsPrepared(sweep.dataset(), 1));
        assertThrows(RuntimeException.class, () -> ExecutorData.load(sweep.dataset().location()));
    }
}
