package io.sparksweep.core.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects the problems of one sweep file so that they are reported together. */
final class Problems {

    private final String file;
    private final java.util.Map<String, String> written;
    private final List<Problem> list = new ArrayList<>();

    Problems(String file) {
        this(file, java.util.Map.of());
    }

    /** @param written the plain scalars of a YAML file as written, by field path */
    Problems(String file, java.util.Map<String, String> written) {
        this.file = file;
        this.written = written;
    }

    /** A scalar's text as the file has it, or null (a JSON file, or no plain scalar at that path). */
    String written(String path) {
        return written.get(path);
    }

    String file() {
        return file;
    }

    void add(String path, String found, String allowed) {
        list.add(new Problem(file, path, found, allowed));
    }

    int size() {
        return list.size();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            throw new SweepFileException(list);
        }
    }

    /** {@code allowed} text for an unknown key or name, with a "did you mean" when one is close. */
    static String oneOf(String found, Collection<String> known) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(found.toLowerCase(), k.toLowerCase());
            if (d < best) {
                best = d;
                closest = k;
            }
        }
        String list = "one of " + String.join(", ", known);
        boolean close = closest != null && best <= Math.max(2, closest.length() / 3);
        return close ? list + " (did you mean '" + closest + "'?)" : list;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
