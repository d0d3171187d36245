package io.sparksweep.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.DoublePredicate;

/**
 * Typed reads from one mapping of a sweep file. Every read that fails adds a problem naming the
 * field path, the value found and what is allowed, and returns the default so that parsing goes on.
 */
final class FieldReader {

    private final Problems problems;
    private final String path;
    private final JsonNode node;

    private FieldReader(Problems problems, String path, JsonNode node) {
        this.problems = problems;
        this.path = path;
        this.node = node;
    }

    /** A reader over {@code node}, which must be a mapping; a missing node reads as an empty mapping. */
    static FieldReader of(Problems problems, String path, JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new FieldReader(problems, path, MissingNode.getInstance());
        }
        if (!node.isObject()) {
            problems.add(path, render(node), "a mapping of keys to values");
            return new FieldReader(problems, path, MissingNode.getInstance());
        }
        return new FieldReader(problems, path, node);
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The mapping itself (an empty one when it was missing or not a mapping). */
    JsonNode node() {
        return node;
    }

    Problems problems() {
        return problems;
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    JsonNode raw(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? MissingNode.getInstance() : v;
    }

    FieldReader child(String key) {
        return of(problems, path(key), raw(key));
    }

    String string(String key, String dflt) {
        JsonNode v = raw(key);
        if (v.isMissingNode()) {
            return dflt;
        }
        if (!v.isTextual()) {
            problems.add(path(key), render(v), "a string");
            return dflt;
        }
        return v.asText();
    }

    String requiredString(String key) {
        if (!has(key)) {
            problems.add(path(key), "nothing", "a string (this key is required)");
            return null;
        }
        return string(key, null);
    }

    long integer(String key, long dflt, long min, long max) {
        JsonNode v = raw(key);
        if (v.isMissingNode()) {
            return dflt;
        }
        return checkedInteger(problems, path(key), v, min, max, dflt);
    }

    double number(String key, double dflt, DoublePredicate ok, String allowed) {
        JsonNode v = raw(key);
        if (v.isMissingNode()) {
            return dflt;
        }
        return checkedNumber(problems, path(key), v, ok, allowed, dflt);
    }

    boolean bool(String key, boolean dflt) {
        JsonNode v = raw(key);
        if (v.isMissingNode()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            problems.add(path(key), render(v), "true or false");
            return dflt;
        }
        return v.asBoolean();
    }

    /** Reports every key not in {@code known}, with a "did you mean" where one is close. */
    void rejectUnknownKeys(List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                problems.add(path(k), "an unknown key", Problems.oneOf(k, known));
            }
        }
    }

    static long checkedInteger(Problems problems, String path, JsonNode v, long min, long max, long dflt) {
        // Past 64 bits asLong() wraps around: 2^64 + 3 would read as 3.
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            problems.add(path, render(v), rangeText("an integer", min, max));
            return dflt;
        }
        long x = v.asLong();
        if (x < min || x > max) {
            problems.add(path, render(v), rangeText("an integer", min, max));
            return dflt;
        }
        return x;
    }

    static double checkedNumber(Problems problems, String path, JsonNode v, DoublePredicate ok, String allowed, double dflt) {
        String written = problems.written(path);
        String found = written != null && v.isNumber() ? written : render(v);
        BigDecimal exact = written != null && v.isNumber() ? decimal(written) : null;
        if (exact == null) {
            // A YAML .nan or .inf arrives as a double that has no exact form.
            exact = v.isNumber() ? (v.isBigDecimal() || v.isIntegralNumber() || Double.isFinite(v.asDouble()) ? v.decimalValue() : null)
                    : scientific(v);
        }
        if (exact == null) {
            problems.add(path, found, allowed);
            return dflt;
        }
        double x = exact.doubleValue();
        // Checked before the range: 1e400 would become Infinity, and 1e-400 zero.
        if (Double.isInfinite(x) || (x == 0 && exact.signum() != 0)) {
            problems.add(path, found, allowed + " (within a double's range: magnitudes from 4.9E-324 to 1.8E+308)");
            return dflt;
        }
        if (!ok.test(x)) {
            problems.add(path, found, allowed);
            return dflt;
        }
        return x;
    }

    /** A number's text as a decimal, or null when it is not one (YAML's .nan, .inf, hexadecimal...). */
    private static BigDecimal decimal(String text) {
        String t = text.strip().replace("_", "");
        if (!t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            return null;
        }
        return new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
    }

    /** YAML 1.1 reads {@code 1e-3} (no dot) as a string; YAML 1.2 and users read it as a number. */
    private static BigDecimal scientific(JsonNode v) {
        if (v.isTextual() && v.asText().strip().matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)")) {
            return new BigDecimal(v.asText().strip());
        }
        return null;
    }

    /** The elements of a list, or a single scalar as a one-element list; null (with a problem) for an empty list. */
    static List<JsonNode> listOrScalar(Problems problems, String path, JsonNode v) {
        List<JsonNode> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(out::add);
            if (out.isEmpty()) {
                problems.add(path, "an empty list", "at least one value");
                return null;
            }
        } else {
            out.add(v);
        }
        return out;
    }

    /** A value as the user wrote it: strings quoted, everything else in JSON form. */
    static String render(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String rangeText(String what, long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return what + " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        }
        if (max == Long.MAX_VALUE) {
            return what + " >= " + min;
        }
        return what + " from " + min + " to " + max;
    }
}
