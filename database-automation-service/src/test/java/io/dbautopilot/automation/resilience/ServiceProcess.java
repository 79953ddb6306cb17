package io.dbautopilot.automation.resilience;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helper: the packaged service ({@code target/quarkus-app/quarkus-run.jar}) run as a child JVM with its own port. */
final class ServiceProcess implements AutoCloseable {

    /** The jar built by the {@code package} phase; failsafe runs in the module directory. */
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the service with {@code -D} settings and waits until {@code /q/health/ready} answers 200. */
    static ServiceProcess start(String name, Map<String, String> settings) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the package phase first "
                    + "(./mvnw verify builds it before the integration tests)");
        }
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dquarkus.http.port=" + port);
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        Path log = logs.resolve(name + "-" + System.currentTimeMillis() + ".log");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceProcess service = new ServiceProcess(name, process, log, port);
        try {
            service.awaitReady(Duration.ofSeconds(60));
        } catch (Exception | AssertionError e) {
            service.close(); // never leave a child JVM behind
            throw e;
        }
        return service;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " not ready within " + timeout + ":\n" + logTail());
    }

    /** A URI on this instance's HTTP port. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** POSTs JSON with an API key; returns the response. */
    HttpResponse<String> post(String path, String apiKey, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: the JVM gets no chance to release leases, finish statements or flush anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die after SIGKILL");
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Everything the process logged so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
