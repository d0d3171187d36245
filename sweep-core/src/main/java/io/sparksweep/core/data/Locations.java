package io.sparksweep.core.data;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where data and output live: a plain path on this machine, or a Hadoop file system URI
 * ({@code hdfs:}, {@code s3a:}, {@code file:}). The one place that tells the two apart.
 */
public final class Locations {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    private Locations() {
    }

    /** Whether {@code location} starts with a URI scheme (two letters or more, so that {@code C:} stays a path). */
    public static boolean hasScheme(String location) {
        return SCHEME.matcher(location).matches();
    }

    /** Whether {@code location} is on this machine's file system: no scheme, or {@code file:}. */
    public static boolean isLocal(String location) {
        return location.startsWith("file:") || !hasScheme(location);
    }

    /** A plain path becomes an absolute {@code file:} URI; anything with a scheme is kept. */
    public static URI toUri(String location) {
        return hasScheme(location) ? URI.create(location) : java.nio.file.Path.of(location).toAbsolutePath().toUri();
    }
}
