package io.sparksweep.core.spec;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.ScannerException;
import org.yaml.snakeyaml.parser.ParserException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A sweep file is data: before Jackson reads a YAML file, its events are checked for what only code or
 * references would need. An explicit tag outside YAML's core schema ({@code !!java.util.HashMap},
 * {@code !custom}, ...) and any anchor or alias ({@code &a}, {@code *a}) is a problem naming its line and
 * column; the core schema's own tags ({@code !!str}, {@code !!int}, ...) change nothing and are allowed.
 * Nothing is constructed here: only SnakeYAML's parser runs.
 */
final class YamlData {

    private static final String CORE = "tag:yaml.org,2002:";
    private static final Set<String> CORE_TAGS = Set.of("str", "int", "float", "bool", "null", "map", "seq");

    private YamlData() {
    }

    /**
     * What the events of a file tell: the tags, anchors and aliases a sweep file may not hold, and every plain
     * scalar's text as written, by field path ({@code search.learning_rate[0]}): Jackson turns 1.0e+400 into
     * Infinity and 1.0e-400 into 0 before a range check could see them.
     */
    record Scan(List<Problem> problems, java.util.Map<String, String> scalars) {
    }

    /** A position in the document: a mapping (its next key, if any, awaits a value) or a sequence (its next index). */
    private static final class Frame {
        final String path;
        final boolean mapping;
        String key;
        int index;

        Frame(String path, boolean mapping) {
            this.path = path;
            this.mapping = mapping;
        }

        /** The path of the node that comes next in this frame; a mapping's key itself has none. */
        String next() {
            if (mapping) {
                return path.isEmpty() ? key : path + "." + key;
            }
            return path + "[" + index + "]";
        }
    }

    static Scan scan(String fileName, byte[] bytes) {
        List<Problem> problems = new ArrayList<>();
        java.util.Map<String, String> scalars = new java.util.HashMap<>();
        java.util.Deque<Frame> frames = new java.util.ArrayDeque<>();
        ParserImpl parser = new ParserImpl(new StreamReader(new StringReader(new String(bytes, StandardCharsets.UTF_8))), new LoaderOptions());
        try {
            while (parser.peekEvent() != null) {
                Event e = parser.getEvent();
                track(e, frames, scalars);
                if (e instanceof AliasEvent a) {
                    problems.add(problem(fileName, e.getStartMark(), "the alias *" + a.getAnchor(),
                            "no anchors or aliases: write each value out (a sweep file is plain data)"));
                    continue;
                }
                if (e instanceof NodeEvent n && n.getAnchor() != null) {
                    problems.add(problem(fileName, e.getStartMark(), "the anchor &" + n.getAnchor(),
                            "no anchors or aliases: write each value out (a sweep file is plain data)"));
                }
                String tag = e instanceof ScalarEvent s ? s.getTag() : e instanceof CollectionStartEvent c ? c.getTag() : null;
                if (tag != null && !(tag.startsWith(CORE) && CORE_TAGS.contains(tag.substring(CORE.length())))) {
                    problems.add(problem(fileName, e.getStartMark(), "the tag " + shortTag(tag),
                            "no tags outside YAML's core schema (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq): a sweep file is plain data"));
                }
            }
        } catch (ScannerException | ParserException ignored) {
            // Jackson's pass reports syntax errors with its own line and column.
        }
        return new Scan(problems, scalars);
    }

    /** Follows the event stream's structure, recording plain scalars by path. */
    private static void track(Event e, java.util.Deque<Frame> frames, java.util.Map<String, String> scalars) {
        Frame top = frames.peek();
        if (e instanceof ScalarEvent s) {
            if (top != null && top.mapping && top.key == null) {
                top.key = s.getValue();
                return;
            }
            if (top != null && s.isPlain()) {
                scalars.put(top.next(), s.getValue());
            }
            advance(top);
        } else if (e instanceof org.yaml.snakeyaml.events.MappingStartEvent) {
            frames.push(new Frame(top == null ? "" : top.next(), true));
        } else if (e instanceof org.yaml.snakeyaml.events.SequenceStartEvent) {
            frames.push(new Frame(top == null ? "" : top.next(), false));
        } else if (e instanceof org.yaml.snakeyaml.events.CollectionEndEvent) {
            frames.pop();
            advance(frames.peek());
        } else if (e instanceof AliasEvent) {
            advance(top);
        }
    }

    private static void advance(Frame f) {
        if (f == null) {
            return;
        }
        if (f.mapping) {
            f.key = null;
        } else {
            f.index++;
        }
    }

    private static String shortTag(String tag) {
        return tag.startsWith(CORE) ? "!!" + tag.substring(CORE.length()) : tag.startsWith("!") ? tag : "!<" + tag + ">";
    }

    private static Problem problem(String fileName, Mark at, String found, String allowed) {
        return new Problem(fileName, "(syntax) line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1), found, allowed);
    }
}
