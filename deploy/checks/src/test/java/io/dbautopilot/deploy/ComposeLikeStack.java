package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The compose stack without Docker: an embedded Kafka broker and a throwaway PostgreSQL cluster initialised by the
 * compose file's own {@code postgres/init.sh}, a streaming standby of it, and both packaged services started the
 * way their images start them - working directory with {@code config/application.properties} (the compose file's
 * mounted file) and the compose file's environment, with only the host names of Kafka and PostgreSQL replaced.
 */
final class ComposeLikeStack implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final EmbeddedKafka kafka;
    final ThrowawayPostgres postgres;
    final int standbyPort;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, Path> logs = new LinkedHashMap<>();
    private final Path work;
    private final Path standbyDir;
    private final List<Process> processes = new ArrayList<>();
    private final boolean root = "root".equals(System.getProperty("user.name"));

    ComposeLikeStack(JsonNode compose, java.util.function.IntFunction<Map<String, List<String>>> extraSystemProperties)
            throws Exception {
        work = Files.createTempDirectory("dbautopilot-compose-like-");
        kafka = EmbeddedKafka.launch();
        createTopics(kafka.bootstrapServers());
        PostgresBinaries bin = PostgresBinaries.locate();
        postgres = ThrowawayPostgres.launch(bin);
        initialise(compose, bin);
        standbyDir = work.resolve("standby");
        standbyPort = freePort();
        startStandby(bin);
        Map<String, List<String>> extra = extraSystemProperties.apply(standbyPort);
        Path logDir = Repo.path("deploy/checks/target/stack-logs");
        Files.createDirectories(logDir);
        for (String service : Repo.SERVICES) {
            ports.put(service, freePort());
            logs.put(service, logDir.resolve(service + ".log"));
            processes.add(launch(service, compose.at("/services/" + service), extra.getOrDefault(service, List.of())));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly));
    }

    String url(String service, String path) {
        return "http://127.0.0.1:" + ports.get(service) + path;
    }

    /** Replaces the compose host names by the local broker and cluster. */
    String localise(String value) {
        return value.replace("kafka:9092", kafka.bootstrapServers())
                .replace("postgres:5432", postgres.host() + ":" + postgres.port());
    }

    /** Creates the event topics (three partitions each) as the compose file's kafka-topics service does. */
    static void createTopics(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("autopilot.metrics.v1", "autopilot.anomalies.v1", "autopilot.recommendations.v1",
                    "autopilot.operations.v1", "autopilot.anomalies.v1.dlq", "autopilot.recommendations.v1.dlq",
                    "autopilot.benchmarks.v1", "autopilot.canary.v1")) {
                topics.add(new NewTopic(t, 3, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Runs deploy/compose/postgres/init.sh against the cluster, with the compose file's environment for postgres. */
    private void initialise(JsonNode compose, PostgresBinaries bin) {
        ProcessBuilder pb = new ProcessBuilder("sh", Repo.path("deploy/compose/postgres/init.sh").toString())
                .directory(work.toFile()).redirectErrorStream(true);
        compose.at("/services/postgres/environment").fields()
                .forEachRemaining(e -> pb.environment().put(e.getKey(), e.getValue().asText()));
        pb.environment().put("PGHOST", postgres.host());
        pb.environment().put("PGPORT", Integer.toString(postgres.port()));
        pb.environment().put("PGPASSWORD", postgres.password());
        pb.environment().put("PATH", bin.binDir() + ":" + System.getenv("PATH"));
        String out = run(pb, "deploy/compose/postgres/init.sh");
        if (out.contains("ERROR")) {
            throw new AssertionError("init.sh reported an error:\n" + out);
        }
    }

    /** A streaming standby of the cluster (pg_basebackup -R), so replication metrics are real. */
    private void startStandby(PostgresBinaries bin) throws IOException {
        Files.createDirectories(standbyDir);
        if (root) {
            run(new ProcessBuilder("chown", "-R", "postgres:postgres", work.toString()), "chown");
        }
        Path data = standbyDir.resolve("data");
        run(asPostgres(bin.tool("pg_basebackup").toString(), "-h", postgres.host(), "-p", Integer.toString(postgres.port()),
                "-U", postgres.user(), "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"), "pg_basebackup");
        run(asPostgres(bin.tool("pg_ctl").toString(), "-D", data.toString(), "-l", standbyDir.resolve("standby.log").toString(),
                "-w", "-t", "60", "-o", "-p " + standbyPort + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                        + standbyDir + " -c hot_standby=on -c wal_receiver_status_interval=1s", "start"), "pg_ctl start");
    }

    private ProcessBuilder asPostgres(String... command) {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(standbyDir.toFile()).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", postgres.password());
        return pb;
    }

    private Process launch(String service, JsonNode composeService, List<String> systemProperties) throws IOException {
        Path dir = work.resolve(service);
        Files.createDirectories(dir.resolve("config"));
        String mounted = "";
        for (JsonNode volume : composeService.path("volumes")) {
            ComposeFileTest.Mount m = ComposeFileTest.Mount.of(volume);
            if ("/deployments/config/application.properties".equals(m.target())) {
                mounted = Files.readString(Path.of(m.source()));
            }
        }
        Files.writeString(dir.resolve("config/application.properties"), localise(mounted));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m"));
        cmd.addAll(systemProperties);
        cmd.addAll(List.of("-jar", Repo.quarkusApp(service).resolve("quarkus-run.jar").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.get(service).toFile());
        composeService.path("environment").fields()
                .forEachRemaining(e -> pb.environment().put(e.getKey(), localise(e.getValue().asText())));
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(ports.get(service)));
        return pb.start();
    }

    /** Waits until a service answers 200 on a path, failing with its log when it exits. */
    void awaitOk(String service, String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process p = processes.get(Repo.SERVICES.indexOf(service));
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(service + " exited with " + p.exitValue() + ":\n" + tail(logs.get(service)));
            }
            try {
                if (get(url(service, path)).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(service + " did not answer 200 on " + path + " within " + timeout + ":\n" + tail(logs.get(service)));
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the compose file's demo viewer key (both services are given the same keys). */
    static HttpResponse<String> getAsViewer(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", "viewer-demo-key")
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String run(ProcessBuilder pb, String what) {
        try {
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(what + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception ignored) {
            // best effort at JVM exit
        }
    }

    @Override
    public synchronized void close() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        processes.clear();
        if (Files.exists(standbyDir.resolve("data/postmaster.pid"))) {
            try {
                run(asPostgres(PostgresBinaries.locate().tool("pg_ctl").toString(), "-D", standbyDir.resolve("data").toString(),
                        "-w", "-t", "30", "stop", "-m", "immediate"), "pg_ctl stop");
            } catch (AssertionError ignored) {
                // already stopped
            }
        }
        postgres.close();
        kafka.close();
        if (Files.exists(work)) {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
