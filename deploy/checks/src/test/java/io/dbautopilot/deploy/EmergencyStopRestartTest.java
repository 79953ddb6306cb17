package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emergency stop survives a restart of the real, packaged database-automation-service and shows on
 * performance-service's dashboard: a global stop is put in force, the automation process is killed (SIGKILL) and a new
 * one started on the same state database; after the restart the stop is still listed and on {@code /health}, an
 * anomaly from the broker and a manual request are both refused (recorded cancelled, nothing run on the target), and
 * the packaged performance-service (configured with {@code autopilot.dashboard.automation-url}) reports the stop on
 * {@code GET /api/automation/emergency-stop} and its dashboard, loaded in a real headless Chromium, shows the banner
 * with the reason. Lifted, the banner goes away.
 */
class EmergencyStopRestartTest {

    private static final String OPERATOR_KEY = "stop-operator-key-1";
    private static final String TARGET = "stopdb";
    private static final String TARGET_DB = "stop_target";
    private static final String TABLE = "never_analyzed";
    private static final String REASON = "restart drill " + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static EmbeddedKafka kafka;
    static ThrowawayPostgres postgres;
    static Path work;
    static final Map<String, Process> processes = new LinkedHashMap<>();
    static final Map<String, Path> logs = new LinkedHashMap<>();
    static int automationPort;
    static int performancePort;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("dbautopilot-stop-restart-");
        kafka = EmbeddedKafka.launch();
        ComposeLikeStack.createTopics(kafka.bootstrapServers());
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
        postgres.createDatabase("autopilot_state");
        postgres.createDatabase(TARGET_DB);
        postgres.execute(TARGET_DB, "CREATE TABLE public." + TABLE + " (id int)",
                "INSERT INTO public." + TABLE + " SELECT generate_series(1, 1000)");
        automationPort = ComposeLikeStack.freePort();
        performancePort = ComposeLikeStack.freePort();
        launchAutomation("automation-1");
        // no API keys on performance-service: its dashboard reads anonymously, as a browser without a key does
        launch("performance-service", "performance", performancePort, List.of(
                "-Dautopilot.fleet.instance-id=performance",
                "-Dautopilot.dashboard.automation-url=http://127.0.0.1:" + automationPort,
                "-Dautopilot.dashboard.automation-cache=1s"));
        awaitUp("automation-1", automationPort);
        awaitUp("performance", performancePort);
    }

    @AfterAll
    static void stop() {
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
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aStopSurvivesARestartRefusesNewWorkAndShowsOnTheDashboard() throws Exception {
        HttpResponse<String> stopped = automation("POST", "/api/emergency-stop", "{\"reason\": \"" + REASON + "\"}");
        assertEquals(200, stopped.statusCode(), stopped.body());
        String before = publishAnomaly();
        awaitRefused(before);

        processes.get("automation-1").destroyForcibly(); // SIGKILL: nothing is saved on the way out
        assertTrue(processes.get("automation-1").waitFor(30, TimeUnit.SECONDS));
        launchAutomation("automation-2");
        awaitUp("automation-2", automationPort);

        // the stop is still in force, listed and on /health
        JsonNode listed = Repo.JSON.readTree(automation("GET", "/api/emergency-stop", null).body());
        assertTrue(listed.path("active").asBoolean(), listed.toString());
        assertEquals(REASON, listed.path("stops").path(0).path("reason").asText(), listed.toString());
        JsonNode health = Repo.JSON.readTree(get(automationPort, "/health").body());
        JsonNode check = null;
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals("emergency-stop")) {
                check = c;
            }
        }
        assertTrue(check != null && check.path("data").path("active").asBoolean(), health.toString());
        assertTrue(check.path("data").path("global").asBoolean(), health.toString());
        assertTrue(!health.toString().contains(REASON), "the open /health shows no reason: " + health);

        // new work is refused after the restart: from the broker and through the API
        String after = publishAnomaly();
        awaitRefused(after);
        HttpResponse<String> manual = automation("POST", "/api/operations",
                "{\"database\": \"" + TARGET + "\", \"type\": \"analyze\", \"object\": \"public." + TABLE + "\"}");
        assertEquals(409, manual.statusCode(), manual.body());
        assertTrue(manual.body().contains(REASON), manual.body());
        assertNull(value(TARGET_DB, "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = ?", TABLE),
                "nothing analyzed the table");
        assertEquals(0L, value("autopilot_state",
                "SELECT count(*) FROM automation.operation WHERE target_id = ? AND started_at IS NOT NULL", TARGET));

        // performance-service's dashboard: the endpoint behind the banner, then the banner in a real browser
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() ->
                Repo.JSON.readTree(get(performancePort, "/api/automation/emergency-stop").body())
                        .path("state").asText().equals("active"));
        JsonNode shown = Repo.JSON.readTree(get(performancePort, "/api/automation/emergency-stop").body());
        assertTrue(shown.path("global").asBoolean(), shown.toString());
        // reasons are for the automation service's viewers (GET /api/emergency-stop), not its open /health
        assertTrue(!shown.toString().contains(REASON), shown.toString());
        String dom = dashboardDom();
        String banner = element(dom, "emergency-stop");
        assertTrue(banner.contains("data-state=\"active\""), banner);
        assertTrue(!banner.contains(" hidden"), banner);
        assertTrue(banner.contains("Emergency stop in force (all targets)"), banner);

        // lifted: the endpoint says so and the banner is gone
        assertEquals(200, automation("DELETE", "/api/emergency-stop", null).statusCode());
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() ->
                Repo.JSON.readTree(get(performancePort, "/api/automation/emergency-stop").body())
                        .path("state").asText().equals("inactive"));
        String liftedBanner = element(dashboardDom(), "emergency-stop");
        assertTrue(liftedBanner.contains("hidden") && liftedBanner.contains("data-state=\"inactive\""), liftedBanner);
    }

    @Test
    void withoutAnAutomationKeyThePanelsNameTheSetting() throws Exception {
        // performance-service has no autopilot.dashboard.automation-key; this automation service has keys: it answers 401
        for (String panel : List.of("backups", "migrations")) {
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                HttpResponse<String> r = get(performancePort, "/api/automation/" + panel);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode shown = Repo.JSON.readTree(r.body());
                assertEquals(false, shown.path("available").asBoolean(true), shown.toString());
                assertEquals("the automation service needs a viewer key (it answered 401): set "
                        + "autopilot.dashboard.automation-key (AUTOPILOT_DASHBOARD_AUTOMATION_KEY)",
                        shown.path("reason").asText(), shown.toString());
            });
        }
    }

    /** Publishes a table_not_analyzed anomaly (the shipped policy: ANALYZE at once) for the target; returns its id. */
    private static String publishAnomaly() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent event = new AnomalyEvent("table_not_analyzed:" + TARGET + ":" + id, TARGET, "table_not_analyzed",
                "public." + TABLE, Severity.WARNING, AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), "analyze",
                "never analyzed");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, TARGET,
                    EventJson.newMapper().writeValueAsString(event));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_subject", TARGET.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
        return id;
    }

    /** Waits for the operation the anomaly asked for and checks it was refused by the stop, never started. */
    private static void awaitRefused(String eventId) throws Exception {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> value("autopilot_state",
                "SELECT status FROM automation.operation WHERE triggering_event_id = ?", eventId) != null);
        assertEquals("cancelled", value("autopilot_state",
                "SELECT status FROM automation.operation WHERE triggering_event_id = ?", eventId));
        String reason = (String) value("autopilot_state",
                "SELECT reason FROM automation.operation WHERE triggering_event_id = ?", eventId);
        assertTrue(reason.startsWith("refused: emergency stop (global)") && reason.contains(REASON), reason);
        assertNull(value("autopilot_state",
                "SELECT started_at FROM automation.operation WHERE triggering_event_id = ?", eventId));
    }

    /** The dashboard's DOM after its scripts ran, from a real headless Chromium ({@code --dump-dom}). */
    private static String dashboardDom() throws Exception {
        Path profile = Files.createTempDirectory(work, "chromium-");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=8000", "--dump-dom",
                "http://127.0.0.1:" + performancePort + "/"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add(1, "--no-sandbox");
        }
        Path out = work.resolve("dom-" + UUID.randomUUID() + ".html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium --dump-dom did not finish within 120 s");
        }
        return Files.readString(out);
    }

    /** The opening tag and text of the element with this id. */
    private static String element(String dom, String id) {
        int start = dom.indexOf("id=\"" + id + "\"");
        assertTrue(start >= 0, "no #" + id + " in the dashboard's DOM:\n" + dom);
        int open = dom.lastIndexOf('<', start);
        int end = dom.indexOf("</div>", start);
        return dom.substring(open, end);
    }

    private static HttpResponse<String> automation(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + automationPort + path))
                .timeout(Duration.ofSeconds(30)).header("X-API-Key", OPERATOR_KEY)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Object value(String db, String sql, Object param) throws Exception {
        try (Connection c = postgres.connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** Starts an automation process on the fixed port, managing the target, with a short Kafka session (restart). */
    private static void launchAutomation(String instance) throws IOException {
        launch("database-automation-service", instance, automationPort, List.of(
                "-Dautopilot.operations.instance-id=" + instance,
                "-Dautopilot.backup.directory=" + work.resolve(instance).resolve("backups"),
                "-Dautopilot.api.viewer-keys=stop-viewer:stop-viewer-key-1",
                "-Dautopilot.api.operator-keys=stop-operator:" + OPERATOR_KEY,
                "-Dkafka.session.timeout.ms=10000",
                "-Dautopilot.databases." + TARGET + ".url=" + postgres.uri(TARGET_DB),
                "-Dautopilot.databases." + TARGET + ".username=" + postgres.user(),
                "-Dautopilot.databases." + TARGET + ".password=" + postgres.password()));
    }

    private static void launch(String service, String instance, int port, List<String> properties) throws IOException {
        Path dir = work.resolve(instance);
        Files.createDirectories(dir);
        Path log = Repo.path("deploy/checks/target/stack-logs/stop-" + instance + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dautopilot.state.url=" + postgres.uri("autopilot_state"),
                "-Dautopilot.state.username=" + postgres.user(),
                "-Dautopilot.state.password=" + postgres.password()));
        cmd.addAll(properties);
        cmd.addAll(List.of("-jar", Repo.quarkusApp(service).resolve("quarkus-run.jar").toString()));
        processes.put(instance, new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start());
        logs.put(instance, log);
    }

    private static void awaitUp(String instance, int port) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = processes.get(instance);
            if (!p.isAlive()) {
                throw new AssertionError(instance + " exited with " + p.exitValue() + ":\n"
                        + ComposeLikeStack.tail(logs.get(instance)));
            }
            try {
                if (get(port, "/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(instance + " did not come up within " + PATIENCE + ":\n"
                + ComposeLikeStack.tail(logs.get(instance)));
    }
}
