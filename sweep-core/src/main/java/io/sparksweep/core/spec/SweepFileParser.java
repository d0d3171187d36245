package io.sparksweep.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sparksweep.core.data.Locations;
import io.sparksweep.core.data.MnistFiles;
import io.sparksweep.core.data.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a sweep file (YAML, or JSON) into a {@link SweepSpec} in two passes: syntax, with the
 * parser's line and column, then meaning, collecting every problem into one
 * {@link SweepFileException}. Nothing is trained or written when a file is rejected.
 */
public final class SweepFileParser {

    static final List<String> TOP_KEYS = List.of("name", "seed", "objective", "dataset", "training", "search", "scheduler", "budget");
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private SweepFileParser() {
    }

    public static SweepSpec parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SweepFileException(List.of(new Problem(file.toString(), "(file)", "a file that cannot be read (" + e + ")",
                    "a readable YAML or JSON sweep file")));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), bytes, dir);
    }

    /**
     * @param fileName the name used in messages
     * @param bytes    the file's content
     * @param baseDir  the folder that a relative {@code dataset.location} is resolved against
     */
    public static SweepSpec parse(String fileName, byte[] bytes, Path baseDir) {
        boolean json = fileName.toLowerCase(Locale.ROOT).endsWith(".json");
        YamlData.Scan scan = json ? new YamlData.Scan(List.of(), java.util.Map.of()) : YamlData.scan(fileName, bytes);
        if (!scan.problems().isEmpty()) {
            throw new SweepFileException(scan.problems());
        }
        Problems problems = new Problems(fileName, scan.scalars());
        JsonNode root = syntax(fileName, bytes);
        if (!root.isObject()) {
            problems.add("(top level)", FieldReader.render(root), "a mapping with keys " + String.join(", ", TOP_KEYS));
            problems.throwIfAny();
        }
        FieldReader top = FieldReader.of(problems, "", root);
        top.rejectUnknownKeys(TOP_KEYS);

        String name = top.requiredString("name");
        if (name != null && !SweepSpec.NAME.matcher(name).matches()) {
            problems.add("name", '"' + name + '"', "letters, digits, '_', '.', '-', starting with a letter or digit, at most 100 characters");
        }
        long seed = top.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        Objective objective = objective(top.child("objective"));
        DatasetSpec dataset = dataset(top.child("dataset"), baseDir);
        TrainingSpec training = training(top.child("training"));
        SearchSpec search = SearchParser.parse(top.child("search"));
        SchedulerSpec scheduler = scheduler(top.child("scheduler"), training);
        Budget budget = budget(top.child("budget"));
        problems.throwIfAny();
        checkPlanSize(problems, search, budget);
        problems.throwIfAny();
        return new SweepSpec(name, seed, objective, dataset, training, search, scheduler, budget, Sha256.hex(bytes));
    }

    private static JsonNode syntax(String fileName, byte[] bytes) {
        boolean json = fileName.toLowerCase(Locale.ROOT).endsWith(".json");
        ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        if (json) {
            // JSON numbers as written: a float past a double's range stays 1E+400 (not Infinity) for the range checks.
            // (YAML's are checked in their text, from YamlData's scan: YAML's .nan and .inf have no exact form.)
            mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
            mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        }
        try {
            JsonNode root = mapper.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                throw new SweepFileException(List.of(new Problem(fileName, "(top level)", "an empty file",
                        "a mapping with keys " + String.join(", ", TOP_KEYS))));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "(syntax)" : "(syntax) line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new SweepFileException(List.of(new Problem(fileName, where, e.getOriginalMessage().strip(),
                    json ? "valid JSON" : "valid YAML")));
        } catch (IOException e) {
            throw new SweepFileException(List.of(new Problem(fileName, "(file)", e.toString(), "a readable sweep file")));
        }
    }

    private static Objective objective(FieldReader r) {
        r.rejectUnknownKeys(List.of("metric", "direction"));
        Objective.Metric metric = choose(r, "metric", Objective.Metric.values(), Objective.Metric::key, Objective.DEFAULT.metric());
        Objective.Direction dflt = metric.key().endsWith("loss") ? Objective.Direction.MINIMIZE : Objective.Direction.MAXIMIZE;
        Objective.Direction direction = choose(r, "direction", Objective.Direction.values(), Objective.Direction::key, dflt);
        return new Objective(metric, direction);
    }

    private static DatasetSpec dataset(FieldReader r, Path baseDir) {
        r.rejectUnknownKeys(List.of("name", "location", "validation_split", "normalization", "train_limit", "test_limit", "classes"));
        String name = r.string("name", "fashion-mnist");
        String location = r.string("location", name.equals("fashion-mnist") ? DatasetSpec.DEFAULT_LOCATION : null);
        if (location == null) {
            r.problems().add(r.path("location"), "nothing", "a folder or URI holding the data set (required unless name is fashion-mnist)");
        } else if (Locations.isLocal(location)) {
            Path p = Path.of(location.startsWith("file:") ? java.net.URI.create(location).getPath() : location);
            if (!p.isAbsolute() && baseDir != null) {
                p = baseDir.resolve(p).normalize();
            }
            location = p.toString();
            for (String message : MnistFiles.check(p)) {
                r.problems().add(r.path("location"), '"' + location + '"', "a folder with a valid MNIST-format data set: " + message);
            }
        }
        double split = r.number("validation_split", 0.1, x -> x > 0 && x < 1, "a number > 0 and < 1");
        Normalization norm = choose(r, "normalization", Normalization.values(), Normalization::key, Normalization.TUTORIAL);
        int trainLimit = (int) r.integer("train_limit", 0, 0, Integer.MAX_VALUE);
        int testLimit = (int) r.integer("test_limit", 0, 0, Integer.MAX_VALUE);
        List<String> classes = new java.util.ArrayList<>();
        if (r.has("classes")) {
            com.fasterxml.jackson.databind.JsonNode c = r.raw("classes");
            if (!c.isArray() || c.size() != 10) {
                r.problems().add(r.path("classes"), FieldReader.render(c), "a list of the 10 classes' names, in label order");
            } else {
                for (int i = 0; i < c.size(); i++) {
                    if (c.get(i).isTextual() && !c.get(i).asText().isBlank()) {
                        classes.add(c.get(i).asText());
                    } else {
                        r.problems().add(r.path("classes") + "[" + i + "]", FieldReader.render(c.get(i)), "a class name (a non-empty string)");
                    }
                }
            }
        }
        return new DatasetSpec(name, location == null ? "" : location, split, norm, trainLimit, testLimit,
                classes.size() == 10 ? classes : List.of());
    }

    private static TrainingSpec training(FieldReader r) {
        r.rejectUnknownKeys(List.of("epochs", "lr_schedule", "eval_batch_size"));
        int epochs = (int) r.integer("epochs", 5, 1, 10_000);
        int evalBatch = (int) r.integer("eval_batch_size", 256, 1, 1 << 20);
        LrSchedule schedule = new LrSchedule.Constant();
        if (r.has("lr_schedule")) {
            FieldReader s = r.child("lr_schedule");
            String type = s.string("type", "step");
            switch (type) {
                case "constant" -> s.rejectUnknownKeys(List.of("type"));
                case "step" -> {
                    s.rejectUnknownKeys(List.of("type", "every", "gamma"));
                    int every = (int) s.integer("every", 1, 1, 10_000);
                    double gamma = s.number("gamma", 0.1, x -> x > 0 && x <= 1, "a number > 0 and <= 1");
                    schedule = new LrSchedule.Step(every, gamma);
                }
                default -> s.problems().add(s.path("type"), '"' + type + '"', Problems.oneOf(type, List.of("step", "constant")));
            }
        }
        return new TrainingSpec(epochs, schedule, evalBatch);
    }

    private static SchedulerSpec scheduler(FieldReader r, TrainingSpec training) {
        String type = r.string("type", "none");
        switch (type) {
            case "none" -> {
                r.rejectUnknownKeys(List.of("type"));
                return new SchedulerSpec.None();
            }
            case "asha" -> {
                r.rejectUnknownKeys(List.of("type", "min_epochs", "reduction_factor"));
                int min = (int) r.integer("min_epochs", 1, 1, 10_000);
                int eta = (int) r.integer("reduction_factor", 3, 2, 100);
                if (min >= training.epochs()) {
                    r.problems().add(r.path("min_epochs"), String.valueOf(min), "a number of epochs below training.epochs ("
                            + training.epochs() + "): the first rung comes before the top one");
                }
                return new SchedulerSpec.Asha(min, eta);
            }
            case "median" -> {
                r.rejectUnknownKeys(List.of("type", "grace_epochs"));
                int grace = (int) r.integer("grace_epochs", 1, 1, 10_000);
                if (grace >= training.epochs()) {
                    r.problems().add(r.path("grace_epochs"), String.valueOf(grace), "a number of epochs below training.epochs ("
                            + training.epochs() + "): trials are judged after the grace epochs");
                }
                return new SchedulerSpec.Median(grace);
            }
            default -> {
                r.problems().add(r.path("type"), '"' + type + '"', Problems.oneOf(type, List.of("none", "asha", "median")));
                return new SchedulerSpec.None();
            }
        }
    }

    private static Budget budget(FieldReader r) {
        r.rejectUnknownKeys(List.of("max_trials", "max_epochs", "max_wall_time"));
        int maxTrials = (int) r.integer("max_trials", 0, 0, SearchParser.MAX_TRIALS);
        long maxEpochs = r.integer("max_epochs", 0, 0, 1_000_000_000L);
        Duration wall = Duration.ZERO;
        if (r.has("max_wall_time")) {
            String text = r.raw("max_wall_time").asText();
            wall = duration(text);
            if (wall == null) {
                r.problems().add(r.path("max_wall_time"), FieldReader.render(r.raw("max_wall_time")),
                        "a duration such as 45m, 2h, 1h30m, 90s or PT2H");
                wall = Duration.ZERO;
            }
        }
        return new Budget(maxTrials, maxEpochs, wall);
    }

    /**
     * Counts before anything is enumerated: a grid past the limit needs {@code budget.max_trials} (it is then
     * planned lazily, its first points in order), and a random or TPE search cannot ask for more distinct
     * trials than its space holds.
     */
    private static void checkPlanSize(Problems problems, SearchSpec search, Budget budget) {
        long limit = SearchParser.MAX_TRIALS;
        if (search.strategy() == SearchSpec.Strategy.GRID) {
            java.math.BigInteger size = search.gridSize();
            boolean capped = budget.maxTrials() > 0;
            if (!capped && size.compareTo(java.math.BigInteger.valueOf(limit)) > 0) {
                problems.add("search", String.format(Locale.ROOT, "a grid of %,d trials (%s)", size, search.sizeText(true)),
                        String.format(Locale.ROOT, "at most %,d trials in one sweep: cut the grid with budget.max_trials (its first N points, "
                                + "in order), or use strategy random or tpe with search.trials", limit));
            }
            return;
        }
        long wanted = budget.maxTrials() > 0 ? Math.min(search.trials(), budget.maxTrials()) : search.trials();
        java.util.Optional<java.math.BigInteger> points = search.distinctPoints();
        if (points.isPresent() && points.get().compareTo(java.math.BigInteger.valueOf(wanted)) < 0) {
            problems.add("search.trials", String.valueOf(search.trials()),
                    String.format(Locale.ROOT, "at most %,d: the search space holds %,d distinct trials (%s); lower search.trials, "
                            + "use strategy grid, or widen the space with a range", points.get(), points.get(), search.sizeText(false)));
        }
    }

    static Duration duration(String text) {
        String t = text.strip();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                Duration d = Duration.parse(t);
                return d.isNegative() ? null : d;
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            return null;
        }
        long h = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long min = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        long s = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return Duration.ofHours(h).plusMinutes(min).plusSeconds(s);
    }

    private static <E> E choose(FieldReader r, String key, E[] values, java.util.function.Function<E, String> keyOf, E dflt) {
        String text = r.string(key, null);
        if (text == null) {
            return dflt;
        }
        for (E v : values) {
            if (keyOf.apply(v).equals(text)) {
                return v;
            }
        }
        r.problems().add(r.path(key), '"' + text + '"', Problems.oneOf(text, Arrays.stream(values).map(keyOf).toList()));
        return dflt;
    }

}
