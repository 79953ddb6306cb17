package io.dbautopilot.deploy;

import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Several packaged performance-service processes in one collector group (and, when a test asks, packaged
 * database-automation-service processes beside them) over one embedded Kafka broker and one throwaway PostgreSQL
 * cluster (which is both their state database and the targets' server), each started as its container starts it:
 * {@code java -jar quarkus-run.jar} with settings as system properties. Every instance gets the same API keys.
 */
final class PerformanceInstances implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String OPERATOR_KEY = "fleet-operator-key-1";
    static final String VIEWER_KEY = "fleet-viewer-key-1";

    final KafkaBroker kafka;
    final ThrowawayPostgres postgres;
    final Path work;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final Map<String, ProcessBuilder> launched = new LinkedHashMap<>();

    PerformanceInstances() throws IOException {
        this(EmbeddedKafka.launch());
    }

    /** Over a broker the caller started (e.g. one in its own process, to kill it); closed with this harness. */
    PerformanceInstances(KafkaBroker kafka) throws IOException {
        work = Files.createTempDirectory("dbautopilot-fleet-");
        this.kafka = kafka;
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
        postgres.createDatabase("autopilot_state");
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /** Starts a performance-service instance named {@code instance} with extra system properties and environment variables. */
    void start(String instance, List<String> systemProperties, Map<String, String> environment) throws IOException {
        launch("performance-service", instance, List.of("-Dautopilot.fleet.instance-id=" + instance), systemProperties,
                environment);
    }

    /**
     * Starts a database-automation-service instance named {@code instance} with extra system properties and environment
     * variables; its backups (if any) stay in this harness's work directory.
     */
    void startAutomation(String instance, List<String> systemProperties, Map<String, String> environment)
            throws IOException {
        launch("database-automation-service", instance, List.of("-Dautopilot.operations.instance-id=" + instance,
                "-Dautopilot.backup.directory=" + work.resolve(instance).resolve("backups")), systemProperties, environment);
    }

    private void launch(String service, String instance, List<String> own, List<String> systemProperties,
                        Map<String, String> environment) throws IOException {
        if (processes.containsKey(instance)) {
            throw new IllegalArgumentException("instance " + instance + " exists already");
        }
        int port = ComposeLikeStack.freePort();
        Path dir = work.resolve(instance);
        Files.createDirectories(dir);
        Path log = Repo.path("deploy/checks/target/stack-logs/fleet-" + instance + ".log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dautopilot.state.url=postgresql://" + postgres.host() + ":" + postgres.port() + "/autopilot_state",
                "-Dautopilot.state.username=" + postgres.user(),
                "-Dautopilot.state.password=" + postgres.password(),
                "-Dautopilot.api.viewer-keys=fleet-viewer:" + VIEWER_KEY,
                "-Dautopilot.api.operator-keys=fleet-operator:" + OPERATOR_KEY));
        cmd.addAll(own);
        cmd.addAll(systemProperties);
        cmd.addAll(List.of("-jar", Repo.quarkusApp(service).resolve("quarkus-run.jar").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        processes.put(instance, pb.start());
        ports.put(instance, port);
        logs.put(instance, log);
        launched.put(instance, pb);
    }

    /**
     * Starts a killed (or exited) instance again exactly as it was started: same settings, port, state database and
     * working directory; its log continues in the same file.
     */
    void restart(String instance) throws IOException {
        if (processes.get(instance).isAlive()) {
            throw new IllegalStateException(instance + " still runs");
        }
        processes.put(instance, launched.get(instance).start());
    }

    /** Waits until an instance's /health answers 200, failing with its log when it exits or does not. */
    void awaitUp(String instance, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = processes.get(instance);
            if (!p.isAlive()) {
                throw new AssertionError(instance + " exited with " + p.exitValue() + ":\n" + log(instance));
            }
            try {
                if (send(instance, "GET", "/health", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(instance + " did not come up within " + timeout + ":\n" + log(instance));
    }

    /** Sends a request to an instance with the given key (null = none) and JSON body (null = none). */
    HttpResponse<String> send(String instance, String method, String path, String key, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(instance) + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP port of an instance. */
    int port(String instance) {
        return ports.get(instance);
    }

    /** Kills an instance with SIGKILL (no shutdown hook, no clean leave from the group). */
    void kill(String instance) throws InterruptedException {
        Process p = processes.get(instance);
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Freezes ({@code SIGSTOP}) or thaws ({@code SIGCONT}) an instance: a stuck process that holds its sockets and
     * answers nothing, unlike a killed one. The signal goes through {@code kill} with an argument list.
     */
    void signal(String instance, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(processes.get(instance).pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " of " + instance + " failed: "
                    + new String(kill.getInputStream().readAllBytes()));
        }
    }

    boolean alive(String instance) {
        return processes.get(instance).isAlive();
    }

    String log(String instance) {
        return ComposeLikeStack.tail(logs.get(instance));
    }

    /** The last lines of every instance's log, each under its name and file, for failure messages. */
    String logTails() {
        StringBuilder out = new StringBuilder();
        logs.forEach((instance, file) -> out.append("\n--- ").append(instance).append(" (").append(file).append(") ---\n")
                .append(log(instance)));
        return out.toString();
    }

    @Override
    public synchronized void close() {
        processes.values().forEach(p -> {
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        });
        processes.clear();
        try {
            postgres.close();
        } catch (Exception ignored) {
            // best effort: the temp directory is removed by the cluster's own hook
        }
        kafka.close();
    }
}
