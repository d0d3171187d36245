package io.sparksweep.core.spec;

import io.sparksweep.core.data.SyntheticMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepFileParserTest {

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        SyntheticMnist.write(dir.resolve("data"), 40, 10, 7);
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void parse_fullFile_readsEveryField() throws IOException {
        Path file = write("full.yaml", """
                name: full-sweep
                seed: 7
                objective: {metric: test_loss}
                dataset:
                  name: synthetic
                  location: data
                  validation_split: 0.2
                  normalization: unit
                  train_limit: 30
                  test_limit: 5
                training:
                  epochs: 3
                  lr_schedule: {type: step, every: 2, gamma: 0.5}
                  eval_batch_size: 256
                search:
                  strategy: random
                  trials: 4
                  architecture: [cnn, {type: mlp, hidden: [64, 32], dropout: 0.1}]
                  optimizer: [{type: adam, beta1: 0.8}, nesterov, rmsprop, sgd]
                  learning_rate: {min: 0.0001, max: 0.1}
                  batch_size: {min: 16, max: 128}
                  dropout: [0.0, 0.2]
                  weight_decay: {min: 0.0, max: 0.001, log: false}
                budget: {max_trials: 3, max_wall_time: 1h30m}
                """);
        SweepSpec s = SweepFileParser.parse(file);
        assertEquals("full-sweep", s.name());
        assertEquals(7, s.seed());
        assertEquals(new Objective(Objective.Metric.TEST_LOSS, Objective.Direction.MINIMIZE), s.objective());
        assertEquals(new DatasetSpec("synthetic", dir.resolve("data").toString(), 0.2, Normalization.UNIT, 30, 5), s.dataset());
        assertEquals(new TrainingSpec(3, new LrSchedule.Step(2, 0.5), 256), s.training());
        assertEquals(SearchSpec.Strategy.RANDOM, s.search().strategy());
        assertEquals(4, s.search().trials());
        assertEquals(List.of(Dimension.ARCHITECTURE, Dimension.OPTIMIZER, Dimension.LEARNING_RATE, Dimension.BATCH_SIZE,
                Dimension.DROPOUT, Dimension.WEIGHT_DECAY), s.search().axes().stream().map(Axis::dimension).toList());
        Domain.Choice arch = assertInstanceOf(Domain.Choice.class, s.search().axis(Dimension.ARCHITECTURE).domain());
        assertEquals(List.of(Architecture.CNN, new Architecture.Mlp("mlp[64-32]", List.of(64, 32), 0.1)), arch.values());
        Domain.Choice opt = assertInstanceOf(Domain.Choice.class, s.search().axis(Dimension.OPTIMIZER).domain());
        assertEquals(new OptimizerSpec.Adam(0.8, 0.999, 1e-8), opt.values().get(0));
        assertEquals(new OptimizerSpec.Nesterov(0.9), opt.values().get(1));
        assertEquals(new Domain.Range(0.0001, 0.1, true, 3), s.search().axis(Dimension.LEARNING_RATE).domain());
        assertEquals(new Domain.IntRange(16, 128, 3), s.search().axis(Dimension.BATCH_SIZE).domain());
        assertEquals(new Domain.Range(0.0, 0.001, false, 3), s.search().axis(Dimension.WEIGHT_DECAY).domain());
        assertEquals(new Budget(3, 0, Duration.ofMinutes(90)), s.budget());
        assertEquals(64, s.fileSha256().length());
    }

    @Test
    void parse_minimalFile_takesTheTutorialDefaults() throws IOException {
        SweepSpec s = SweepFileParser.parse(write("min.yaml", "name: minimal\ndataset: {location: data}\n"));
        assertEquals(Objective.DEFAULT, s.objective());
        assertEquals(0.1, s.dataset().validationSplit());
        assertEquals(Normalization.TUTORIAL, s.dataset().normalization());
        assertEquals(5, s.training().epochs());
        assertEquals(new LrSchedule.Constant(), s.training().schedule());
        assertEquals(SearchSpec.Strategy.GRID, s.search().strategy());
        assertTrue(s.search().axes().isEmpty());
        assertEquals(Budget.UNLIMITED, s.budget());
    }

    @Test
    void parse_json_isAcceptedToo() throws IOException {
        Path file = write("sweep.json", "{\"name\": \"j\", \"dataset\": {\"location\": \"data\"}, \"search\": {\"batch_size\": [32, 64]}}");
        assertEquals(new Domain.Choice(List.of(32, 64)), SweepFileParser.parse(file).search().axis(Dimension.BATCH_SIZE).domain());
    }

    @Test
    void parse_duplicateKey_isASyntaxError() throws IOException {
        Path file = write("dup.yaml", "name: a\nname: b\n");
        SweepFileException e = assertThrows(SweepFileException.class, () -> SweepFileParser.parse(file));
        assertTrue(e.getMessage().contains("(syntax) line 2, column 5: found Duplicate field 'name'"), e.getMessage());
    }

    static Stream<String> invalidFiles() throws URISyntaxException, IOException {
        Path folder = Path.of(SweepFileParserTest.class.getResource("/sweeps/invalid").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /** Each invalid file must produce every line of its .expected file, each prefixed by the file's path. */
    @ParameterizedTest
    @MethodSource("invalidFiles")
    void parse_invalidFile_listsEveryProblem(String name) throws Exception {
        Path folder = Path.of(getClass().getResource("/sweeps/invalid").toURI());
        Path file = write(name, Files.readString(folder.resolve(name)));
        SyntheticMnist.write(dir.resolve("bad-data"), 10, 10, 1);
        SyntheticMnist.writeIdx(dir.resolve("bad-data/train-labels-idx1-ubyte.gz"), 0x803, new int[]{10, 28, 28}, new byte[7840]);
        String expected = Files.readString(folder.resolve(name.replace(".yaml", ".expected")), StandardCharsets.UTF_8)
                .replace("{dir}", dir.toString());

        SweepFileException e = assertThrows(SweepFileException.class, () -> SweepFileParser.parse(file));

        List<String> lines = expected.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(lines.size(), e.problems().size(), e.getMessage());
        for (String line : lines) {
            assertTrue(e.getMessage().contains("  - " + file + ": " + line), "missing:\n" + line + "\nin:\n" + e.getMessage());
        }
    }

    @Test
    void parse_scientificNotationWithoutDot_isANumber() throws IOException {
        Path file = write("sci.yaml", "name: sci\ndataset: {location: data}\nsearch: {learning_rate: [1e-3, 5E-2, 0.1], weight_decay: [1e-4]}\n");
        SweepSpec s = SweepFileParser.parse(file);
        assertEquals(new Domain.Choice(List.of(0.001, 0.05, 0.1)), s.search().axis(Dimension.LEARNING_RATE).domain());
        assertEquals(new Domain.Choice(List.of(0.0001)), s.search().axis(Dimension.WEIGHT_DECAY).domain());
    }

    @Test
    void duration_formats() {
        assertEquals(Duration.ofMinutes(45), SweepFileParser.duration("45m"));
        assertEquals(Duration.ofHours(2), SweepFileParser.duration("PT2H"));
        assertEquals(Duration.ofSeconds(3690), SweepFileParser.duration("1h1m30s"));
        assertEquals(null, SweepFileParser.duration("soon"));
        assertEquals(null, SweepFileParser.duration(""));
    }
}
