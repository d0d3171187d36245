package io.sparksweep.spark.store;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run per sweep and output at a time: two processes started together, many times, and never two holders. */
class SweepLeaseTest {

    @TempDir
    Path dir;

    private Process contender(Path out, long holdMillis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LeaseContender.class.getName(),
                out.toString(), "s", String.valueOf(holdMillis)).redirectErrorStream(true).start();
    }

    @Test
    void twoProcessesStartedTogether_exactlyOneHoldsTheLease_andTheOtherNamesIt() throws Exception {
        Path out = dir.resolve("out");
        for (int round = 0; round < 10; round++) {
            List<Process> both = List.of(contender(out, 1500), contender(out, 1500));
            List<String> said = new ArrayList<>();
            for (Process p : both) {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                said.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
            long held = said.stream().filter(s -> s.startsWith("HELD")).count();
            assertEquals(1, held, "round " + round + ": " + said);
            assertEquals(1, said.stream().filter(s -> s.startsWith("BUSY")).count(), "round " + round + ": " + said);
            String holder = said.stream().filter(s -> s.startsWith("HELD")).findFirst().orElseThrow().lines().findFirst().orElseThrow().split(" ")[1];
            String busy = said.stream().filter(s -> s.startsWith("BUSY")).findFirst().orElseThrow();
            assertTrue(busy.startsWith("BUSY " + holder + " sweep s is being run into this output by pid " + holder + " on host "), busy);
            assertTrue(busy.contains("start this one with --wait"), busy);
        }
    }

    @Test
    void aKilledHolder_leavesNoLeaseBehind() throws Exception {
        Path out = dir.resolve("killed");
        Process holder = contender(out, 60_000);
        assertTrue(new String(holder.getInputStream().readNBytes(4), StandardCharsets.UTF_8).startsWith("HELD"));
        Leaderboard store = new Leaderboard(out.toString(), new Configuration());
        assertThrows(SweepLease.HeldException.class, () -> SweepLease.acquire(store, "s", Duration.ZERO));
        holder.destroyForcibly().waitFor();
        try (SweepLease lease = SweepLease.acquire(store, "s", Duration.ofSeconds(10))) {
            assertTrue(Files.exists(Path.of(store.leaseFile("s").toUri())));
        }
    }

    @Test
    void withWait_theSecondRunTakesTheLeaseWhenTheFirstLetsGo() throws Exception {
        Path out = dir.resolve("wait");
        Process holder = contender(out, 2000);
        assertTrue(new String(holder.getInputStream().readNBytes(4), StandardCharsets.UTF_8).startsWith("HELD"));
        Leaderboard store = new Leaderboard(out.toString(), new Configuration());
        assertThrows(SweepLease.HeldException.class, () -> SweepLease.acquire(store, "s", Duration.ZERO), "held while the first runs");
        try (SweepLease lease = SweepLease.acquire(store, "s", Duration.ofMinutes(1))) {
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertTrue(new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("RELEASED"));
        }
    }
}
