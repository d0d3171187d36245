package io.sparksweep.core.result;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/leaderboard.md documents every column of every table, one table row per column, by name and type
 * in the code's order: the documentation cannot fall behind or list a column twice.
 */
class ColumnsDocumentedTest {

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9_]+)`\\s*\\|\\s*([a-z]+)\\s*\\|(.*)\\|\\s*$");

    /** The `| `name` | type | meaning |` rows of the table under {@code heading}. */
    static List<String> documented(String doc, String heading) {
        int start = doc.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new AssertionError("docs/leaderboard.md has no section " + heading);
        }
        int end = doc.indexOf("\n## ", start + heading.length() + 1);
        List<String> out = new ArrayList<>();
        for (String line : doc.substring(start, end < 0 ? doc.length() : end).lines().toList()) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.add(m.group(1) + " " + m.group(2));
            }
        }
        return out;
    }

    static List<String> expected(List<Column> columns) {
        return columns.stream().map(c -> c.name() + " " + switch (c.type()) {
            case STRING -> "string";
            case INT -> "int";
            case LONG -> "bigint";
            case DOUBLE -> "double";
            case TIMESTAMP -> "timestamp";
        }).toList();
    }

    @Test
    void docs_documentEveryColumnOfBothTables_byNameAndType_inOrder() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "leaderboard.md"));
        assertEquals(expected(LeaderboardRow.COLUMNS), documented(doc, "## leaderboard"), "docs/leaderboard.md, ## leaderboard");
        assertEquals(expected(EpochRow.COLUMNS), documented(doc, "## epochs"), "docs/leaderboard.md, ## epochs");
        assertEquals(expected(DetailRows.CONFUSION.columns()), documented(doc, "## confusion"), "docs/leaderboard.md, ## confusion");
        assertEquals(expected(DetailRows.PREDICTIONS.columns()), documented(doc, "## predictions"), "docs/leaderboard.md, ## predictions");
        assertEquals(expected(RefitRow.COLUMNS), documented(doc, "## refits"), "docs/leaderboard.md, ## refits");
    }
}
