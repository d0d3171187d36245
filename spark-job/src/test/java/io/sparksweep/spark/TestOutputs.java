package io.sparksweep.spark;

import io.sparksweep.spark.store.Leaderboard;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the integration tests look at from outside a running sweep. */
final class TestOutputs {

    private TestOutputs() {
    }

    /**
     * One line per thread of process {@code pid} from /proc: a thread spinning at a safepoint shows as R
     * with many ticks, one blocked in the kernel as S or D with its wait channel.
     */
    static String kernelThreads(long pid) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.sorted().toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    String wchan = Files.readString(task.resolve("wchan")).trim();
                    out.append(task.getFileName()).append(' ').append(name).append(' ').append(f[0]).append(' ').append(ticks)
                            .append(' ').append(wchan).append('\n');
                } catch (IOException | RuntimeException e) {
                    out.append(task.getFileName()).append(" unreadable: ").append(e).append('\n');
                }
            }
        } catch (IOException e) {
            out.append("no /proc threads: ").append(e);
        }
        return out.toString();
    }

    /** Committed leaderboard files of one sweep under {@code out} (0 before the first commit). */
    static long committedRows(Path out, String sweep) {
        Path dir = out.resolve("leaderboard/sweep=" + sweep);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("trial-")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Every row of one of the views {@code sparksweep sql} registers over {@code out}. */
    static List<Row> view(SparkSession spark, Path out, String view) {
        new Leaderboard(out.toString(), spark.sparkContext().hadoopConfiguration()).registerViews(spark);
        return spark.table(view).collectAsList();
    }

    /** A small local session of the test JVM, for reading what the processes under test wrote. */
    static SparkSession reader() {
        return SparkSession.builder().master("local[1]").appName("read").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    /**
     * The threads of a JVM under test and what each is doing ({@code jcmd PID Thread.print}), or why there
     * are none, then the kernel's view of each thread, which a JVM that answers no attach request still has.
     */
    static String threadDump(Process p) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(p.pid()), "Thread.print").redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(30, TimeUnit.SECONDS);
            return text + "\n--- the kernel's threads (tid, name, state, CPU ticks user+system, wait channel):\n" + kernelThreads(p.pid());
        } catch (IOException e) {
            return "no thread dump: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        }
    }
}
