package io.sparksweep.spark.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's chromium, headless, as a test's real browser: what a page's DOM is once its scripts ran, and what it fetched. */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    /** The page's DOM after its scripts ran, and the network log of loading it. */
    record Loaded(String dom, String netLog, double seconds) {
    }

    private Chromium() {
    }

    static List<String> flags(Path profile) {
        return new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile));
    }

    static Loaded load(Path page, Path work) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("the report test needs Debian's chromium at " + BINARY + " (apt-get install -y chromium; .ci/run installs it)");
        }
        Path profile = Files.createTempDirectory(work, "profile");
        Path netLog = work.resolve("net-log-" + System.nanoTime() + ".json");
        List<String> cmd = flags(profile);
        cmd.add("--log-net-log=" + netLog);
        cmd.add("--virtual-time-budget=5000");
        cmd.add("--dump-dom");
        cmd.add(page.toUri().toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(work.resolve("chromium.err").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish with " + page);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String log = Files.exists(netLog) ? Files.readString(netLog) : "";
        return new Loaded(dom, log, seconds);
    }

    /** Writes a screenshot of {@code page}. */
    static void screenshot(Path page, Path png, int width, int height, Path work) throws IOException, InterruptedException {
        List<String> cmd = flags(Files.createTempDirectory(work, "profile"));
        cmd.add("--window-size=" + width + "," + height);
        cmd.add("--virtual-time-budget=5000");
        cmd.add("--screenshot=" + png);
        cmd.add(page.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("screenshot.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
