package io.sparksweep.core.spec;

import io.sparksweep.core.data.SyntheticMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every integer and every number field of the sweep file, written past its type's range: rejected with
 * the field's path and the value as written, never read as a wrapped-around or infinite value.
 */
class NumberLimitsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws IOException {
        SyntheticMnist.write(dir.resolve("data"), 20, 10, 1);
    }

    /** {@code #} marks where the value goes; the path is the field path the message must name. */
    record Field(String path, String yaml) {
        @Override
        public String toString() {
            return path;
        }
    }

    static final String BIG_INT = "18446744073709551619"; // 2^64 + 3: asLong() would read 3
    static final List<Field> INTEGERS = List.of(
            new Field("seed", "seed: #"),
            new Field("dataset.train_limit", "dataset: {location: data, train_limit: #}"),
            new Field("dataset.test_limit", "dataset: {location: data, test_limit: #}"),
            new Field("training.epochs", "training: {epochs: #}"),
            new Field("training.eval_batch_size", "training: {eval_batch_size: #}"),
            new Field("training.lr_schedule.every", "training: {lr_schedule: {type: step, every: #}}"),
            new Field("search.trials", "search: {strategy: random, trials: #}"),
            new Field("search.tpe.startup_trials", "search: {strategy: tpe, trials: 5, tpe: {startup_trials: #}}"),
            new Field("search.tpe.candidates", "search: {strategy: tpe, trials: 5, tpe: {candidates: #}}"),
            new Field("search.batch_size[1]", "search: {batch_size: [32, #]}"),
            new Field("search.batch_size.min", "search: {batch_size: {min: #, max: 64}}"),
            new Field("search.batch_size.max", "search: {batch_size: {min: 16, max: #}}"),
            new Field("search.batch_size.grid_points", "search: {batch_size: {min: 16, max: 64, grid_points: #}}"),
            new Field("search.learning_rate.grid_points", "search: {learning_rate: {min: 0.001, max: 0.1, grid_points: #}}"),
            new Field("search.architecture[0].hidden[0]", "search: {architecture: [{type: mlp, hidden: [#]}]}"),
            new Field("search.architecture[0].channels[0]", "search: {architecture: [{type: cnn, channels: [#]}]}"),
            new Field("search.architecture[0].dense[0]", "search: {architecture: [{type: cnn, channels: [8], dense: [#]}]}"),
            new Field("budget.max_trials", "budget: {max_trials: #}"));

    static final List<Field> NUMBERS = List.of(
            new Field("dataset.validation_split", "dataset: {location: data, validation_split: #}"),
            new Field("training.lr_schedule.gamma", "training: {lr_schedule: {type: step, gamma: #}}"),
            new Field("search.learning_rate[0]", "search: {learning_rate: [#]}"),
            new Field("search.learning_rate.min", "search: {learning_rate: {min: #, max: 0.1}}"),
            new Field("search.learning_rate.max", "search: {learning_rate: {min: 0.001, max: #}}"),
            new Field("search.dropout[0]", "search: {dropout: [#]}"),
            new Field("search.weight_decay[0]", "search: {weight_decay: [#]}"),
            new Field("search.optimizer[0].momentum", "search: {optimizer: [{type: momentum, momentum: #}]}"),
            new Field("search.optimizer[0].beta1", "search: {optimizer: [{type: adam, beta1: #}]}"),
            new Field("search.optimizer[0].beta2", "search: {optimizer: [{type: adam, beta2: #}]}"),
            new Field("search.optimizer[0].epsilon", "search: {optimizer: [{type: adam, epsilon: #}]}"),
            new Field("search.optimizer[0].decay", "search: {optimizer: [{type: rmsprop, decay: #}]}"),
            new Field("search.architecture[0].dropout", "search: {architecture: [{type: mlp, hidden: [8], dropout: #}]}"));

    private static String file(Field f, String value) {
        String line = f.yaml().replace("#", value);
        String base = "name: limits\n" + (line.startsWith("dataset:") ? "" : "dataset: {location: data}\n");
        return base + line + "\n";
    }

    private static String rejected(Field f, String value) {
        SweepFileException e = assertThrows(SweepFileException.class,
                () -> SweepFileParser.parse("limits.yaml", file(f, value).getBytes(StandardCharsets.UTF_8), dir), f.path() + " = " + value);
        return e.getMessage();
    }

    static Stream<Field> integers() {
        return INTEGERS.stream();
    }

    static Stream<Field> numbers() {
        return NUMBERS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integers")
    void integerPast64Bits_isRejectedByPathAndValue(Field f) {
        for (String value : List.of(BIG_INT, "-" + BIG_INT)) {
            String message = rejected(f, value);
            assertTrue(message.contains("limits.yaml: " + f.path() + ": found " + value + "; allowed: an integer"), message);
        }
    }

    /** Every integer field but the seed (a long) is an int. */
    static Stream<Field> intFields() {
        return INTEGERS.stream().filter(f -> !f.path().equals("seed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intFields")
    void integerPastItsFieldsRange_isRejectedBeforeNarrowing(Field f) {
        // 2^32 + 5 narrowed to an int would be 5, inside every field's range.
        String message = rejected(f, "4294967301");
        assertTrue(message.contains("limits.yaml: " + f.path() + ": found 4294967301; allowed: an integer"), message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void numberPastADoublesRange_isRejectedByPathAndValue(Field f) {
        for (String value : List.of("1.0e+400", "1e400", "-1e400", "1e-400")) {
            String message = rejected(f, value);
            // YAML 1.1 reads 1e400 (no dot) as text, which the number check then reads: quoted as written.
            assertTrue(message.contains("limits.yaml: " + f.path() + ": found " + value + ";")
                    || message.contains("limits.yaml: " + f.path() + ": found \"" + value + "\";"), "the field and the value as written: " + message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void notANumberOrInfinity_isRejected(Field f) {
        for (String value : List.of(".nan", ".inf", "-.inf")) {
            // The YAML reader itself refuses these, by line and column and the value as written.
            String message = rejected(f, value);
            assertTrue(message.contains("limits.yaml: (syntax) line ") && message.contains("'" + value + "'"), f.path() + " = " + value + ": " + message);
        }
    }
}
