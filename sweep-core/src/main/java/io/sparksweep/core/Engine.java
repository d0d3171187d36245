package io.sparksweep.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The engine's own version, stored on every leaderboard row. */
public final class Engine {

    public static final String VERSION = read();

    private Engine() {
    }

    private static String read() {
        try (InputStream in = Engine.class.getResourceAsStream("/sparksweep.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
