package io.sparksweep.spark.store;

import io.sparksweep.core.result.LeaderboardRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replacing a committed row is never a loss: a kill between its two renames is undone by the next start. */
class ParquetRowsTest {

    @TempDir
    java.nio.file.Path dir;

    /** What a kill -9 at that point leaves on disk: nothing after the point runs. */
    static final class Killed extends Error {
    }

    @AfterEach
    void noHook() {
        ParquetRows.betweenRenames = () -> { };
    }

    private Leaderboard committedRow() throws ReflectiveOperationException {
        Leaderboard store = new Leaderboard(dir.resolve("out").toString(), new Configuration());
        store.commit(LeaderboardRowRoundTripTest.distinctRow(), List.of());
        return store;
    }

    @Test
    void replace_killedBetweenRenames_nextStartPutsTheCommittedRowBack() throws Exception {
        Leaderboard store = committedRow();
        ParquetRows.betweenRenames = () -> {
            throw new Killed();
        };
        assertThrows(Killed.class, () -> store.clearModelPath("roundtrip", "trialId-value"));
        assertFalse(Files.exists(dir.resolve("out/leaderboard/sweep=roundtrip/trial-trialId-value.parquet")), "the kill came between the renames");
        assertTrue(store.rows("roundtrip").isEmpty(), "readers skip the hidden files meanwhile");

        assertEquals(1, store.recover("roundtrip"));
        List<Map<String, Object>> rows = store.rows("roundtrip");
        assertEquals(1, rows.size());
        assertEquals("modelPath-value", rows.get(0).get("model_path"), "the committed row, as it was before the replacement");
        try (var files = Files.list(dir.resolve("out/leaderboard/sweep=roundtrip"))) {
            assertEquals(List.of("trial-trialId-value.parquet"), files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList(),
                    "no temporary or old file left");
        }
    }

    @Test
    void replace_killedAfterTheNewFileMovedIn_nextStartKeepsTheNewRow() throws Exception {
        Leaderboard store = committedRow();
        Path target = store.rowFile("roundtrip", "trialId-value");
        FileSystem fs = target.getFileSystem(new Configuration());
        // What a kill after the second rename leaves: the new file in place and the old one aside.
        Path old = new Path(target.getParent(), ParquetRows.OLD_PREFIX + target.getName());
        store.clearModelPath("roundtrip", "trialId-value");
        org.apache.hadoop.fs.FileUtil.copy(fs, target, fs, old, false, new Configuration());
        org.apache.hadoop.fs.FileUtil.copy(fs, target, fs, new Path(target.getParent(), "_tmp-unfinished.parquet"), false, new Configuration());
        assertTrue(fs.exists(old));

        assertEquals(0, store.recover("roundtrip"));
        assertNull(store.rows("roundtrip").get(0).get("model_path"), "the new row stays");
        assertFalse(fs.exists(old), "the old file goes");
        assertFalse(fs.exists(new Path(target.getParent(), "_tmp-unfinished.parquet")), "unfinished temporary files go");
    }

    @Test
    void replace_withoutAKill_leavesOneWholeFile() throws Exception {
        Leaderboard store = committedRow();
        store.clearModelPath("roundtrip", "trialId-value");
        assertNull(store.rows("roundtrip").get(0).get("model_path"));
        assertEquals(LeaderboardRow.COLUMNS.size() - 1, store.rows("roundtrip").get(0).size(), "every other column kept");
        assertEquals(0, store.recover("roundtrip"));
    }
}
