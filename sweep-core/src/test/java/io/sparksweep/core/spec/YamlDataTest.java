package io.sparksweep.core.spec;

import io.sparksweep.core.data.SyntheticMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep file is data: any tag outside YAML's core schema, and any anchor or alias, is refused by line and column. */
class YamlDataTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws IOException {
        SyntheticMnist.write(dir.resolve("data"), 20, 10, 1);
    }

    private static SweepSpec parse(String yaml) {
        return SweepFileParser.parse("t.yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    private static String refused(String yaml) {
        return assertThrows(SweepFileException.class, () -> parse(yaml)).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!java.util.HashMap", "!!java.lang.String", "!!javax.script.ScriptEngineManager", "!custom",
            "!<tag:example.com,2026:thing>", "!!python/object/apply:os.system", "!!binary", "!!set", "!!omap", "!!timestamp"})
    void anyTagOutsideTheCoreSchema_isRefusedWithItsPlace(String tag) {
        String scalar = refused("name: t\ndataset: {location: data}\nsearch:\n  learning_rate: [0.1, " + tag + " 0.01]\n");
        assertTrue(scalar.contains("t.yaml: (syntax) line 4, column 24: found the tag "), scalar);
        assertTrue(scalar.contains("allowed: no tags outside YAML's core schema"), scalar);
        String mapping = refused("name: t\ndataset: " + tag + " {location: data}\n");
        assertTrue(mapping.contains("t.yaml: (syntax) line 2, column 10: found the tag "), mapping);
    }

    @Test
    void theCoreSchemasTags_changeNothing() {
        SweepSpec s = parse("name: !!str t\nseed: !!int 7\ndataset: !!map {location: data}\nsearch:\n  learning_rate: !!seq [!!float 0.1]\n");
        assertEquals(7, s.seed());
        assertEquals("t", s.name());
    }

    @Test
    void anchorsAndAliases_areRefusedWithTheirPlaces() {
        String m = refused("name: t\ndataset: {location: data}\nsearch:\n  learning_rate: &rates [0.1, 0.01]\n  weight_decay: *rates\n");
        assertTrue(m.contains("t.yaml: (syntax) line 4, column 18: found the anchor &rates; allowed: no anchors or aliases"), m);
        assertTrue(m.contains("t.yaml: (syntax) line 5, column 17: found the alias *rates; allowed: no anchors or aliases"), m);
    }

    @Test
    void aBillionLaughs_isRefusedWithoutExpanding() {
        StringBuilder y = new StringBuilder("name: t\ndataset: {location: data}\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p).append(",*")
                    .append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
        }
        String m = refused(y.toString());
        assertTrue(m.contains("found the anchor &a"), m);
    }
}
