package io.sparksweep.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: a Master and Workers started from Spark's own classes
 * (org.apache.spark.deploy.master.Master, ...worker.Worker) out of a SPARK_HOME whose jars/ holds the
 * Maven jars, and applications submitted with org.apache.spark.deploy.SparkSubmit as a user would.
 */
final class StandaloneCluster implements AutoCloseable {

    /** Spark's opens for Java 17, from conf/jvm.properties (the launcher's and the build's source too). */
    static final List<String> OPENS = opens();

    private static List<String> opens() {
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("sparksweep.root"), "conf", "jvm.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return List.of(p.getProperty("spark.java17.opens").trim().split("\\s+"));
    }

    private final Path sparkHome;
    private final Path dir;
    private final int masterPort;
    private final int masterUiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    /** The shared secret of spark.authenticate for the Master and Workers, or null for none. */
    private final String secret;

    private StandaloneCluster(Path sparkHome, Path dir, String secret) throws IOException {
        this.sparkHome = sparkHome;
        this.dir = Files.createDirectories(dir);
        this.secret = secret;
        this.masterPort = freePort();
        this.masterUiPort = freePort();
        this.master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)), Map.of());
    }

    /**
     * Starts a Master and {@code workers} Workers of {@code cores} cores each; {@code workerArgs} gives
     * Worker i its extra arguments (a {@code --properties-file} with its resources, for example).
     */
    static StandaloneCluster start(Path sparkHome, Path dir, int workers, int cores,
                                   java.util.function.IntFunction<List<String>> workerArgs) throws IOException, InterruptedException {
        return start(sparkHome, dir, workers, cores, workerArgs, null);
    }

    /** The same, with {@code spark.authenticate} on and {@code secret} as the Master's and Workers' shared secret. */
    static StandaloneCluster start(Path sparkHome, Path dir, int workers, int cores,
                                   java.util.function.IntFunction<List<String>> workerArgs, String secret) throws IOException, InterruptedException {
        StandaloneCluster c = new StandaloneCluster(sparkHome, dir, secret);
        for (int i = 0; i < workers; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", String.valueOf(cores), "--memory", "3G", "--work-dir", work.toString(),
                    "--webui-port", String.valueOf(freePort())));
            args.addAll(workerArgs.apply(i));
            args.add(c.masterUrl());
            c.workers.add(c.start("worker-" + i, args, Map.of()));
        }
        c.awaitWorkers(workers);
        return c;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    Path dir() {
        return dir;
    }

    /** kill -9 of one Worker (its executors notice and exit, as on a lost machine). */
    void killWorker(int i) {
        workers.get(i).destroyForcibly();
    }

    /** SparkSubmit in client mode: {@code submitArgs} then the application jar and its arguments. */
    Process submit(List<String> submitArgs, Path appJar, List<String> appArgs, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(java());
        cmd.add("org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(List.of("--master", masterUrl(), "--deploy-mode", "client"));
        cmd.addAll(submitArgs);
        cmd.add(appJar.toString());
        cmd.addAll(appArgs);
        return builder(cmd, Map.of()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private List<String> java() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(OPENS);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + "/*");
        return cmd;
    }

    private Process start(String name, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(java());
        if (secret != null) {
            cmd.add("-Dspark.authenticate=true");
            cmd.add("-Dspark.authenticate.secret=" + secret);
        }
        cmd.addAll(args);
        return builder(cmd, env).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private ProcessBuilder builder(List<String> cmd, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // Spark's launcher asks for a build folder or this before it takes SPARK_HOME/jars as the classpath.
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().putAll(env);
        return pb;
    }

    private void awaitWorkers(int n) throws InterruptedException, IOException {
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long until = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < until) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL().openConnection();
                c.setConnectTimeout(1000);
                try (InputStream in = c.getInputStream()) {
                    Matcher m = alive.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                        return;
                    }
                }
            } catch (IOException notYet) {
                // the master is still starting
            }
            Thread.sleep(300);
        }
        throw new IOException(n + " workers did not register with " + masterUrl() + " within 90 s; see the logs in " + dir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        workers.forEach(Process::destroyForcibly);
        master.destroyForcibly();
        // Executors exit on their own once their Worker is gone; wait a little so ports are freed.
        for (Process p : workers) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
