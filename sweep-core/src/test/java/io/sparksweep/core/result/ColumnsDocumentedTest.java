package io.sparksweep.core.result;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's schema section names every column of both tables, so the documentation cannot fall behind. */
class ColumnsDocumentedTest {

    @Test
    void readme_namesEveryLeaderboardAndEpochsColumn() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String schema = readme.substring(readme.indexOf("## The leaderboard"), readme.indexOf("### SQL"));
        List<String> missing = Stream.concat(LeaderboardRow.COLUMNS.stream(), EpochRow.COLUMNS.stream())
                .map(Column::name).distinct().filter(name -> !schema.contains(name)).toList();
        assertEquals(List.of(), missing, "columns missing from the README's leaderboard section");
    }

    @Test
    void leaderboardRow_valuesMatchTheColumnList() {
        assertEquals(LeaderboardRow.COLUMNS.size(), LeaderboardRow.class.getRecordComponents().length);
        assertEquals(List.of("sweep", "trial_id"), LeaderboardRow.COLUMNS.stream().limit(2).map(Column::name).toList());
    }
}
