package io.dbautopilot.performance.health;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRelay;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * performance-service's {@code /health} summary against the real broker and state database: the test profile's
 * reachable ({@code demo}) and unreachable ({@code offline}) targets, an open anomaly counted by its severity, a
 * background task made overdue by pausing its job, the peer read through the REST client (here the service itself,
 * so a peer that is up and degraded), and the summary served from the background refresh, not computed per request.
 */
@QuarkusTest
@TestProfile(ServiceHealthTest.SelfAsPeer.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ServiceHealthTest {

    /** The test server listens on a fixed free port, and the peer URL names that port: the service is its own peer. */
    public static class SelfAsPeer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.http.test-port", String.valueOf(port),
                    "autopilot.dashboard.automation-url", "http://127.0.0.1:" + port);
        }
    }

    @Inject
    AgroalDataSource state;

    @Inject
    Scheduler scheduler;

    @Test
    void summaryShowsTargetsTasksAndThePeer() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().get("/health").then().statusCode(200)
                        .body("targets.find { it.id == 'demo' }.reachable", equalTo(true))
                        .body("targets.find { it.id == 'offline' }.reachable", equalTo(false))
                        .body("tasks.find { it.name == 'collection demo' }.last_run", notNullValue())
                        .body("tasks.find { it.name == 'anomaly relay' }.last_run", notNullValue())
                        .body("peer.status", equalTo("degraded")));
        given().get("/health").then().statusCode(200)
                // an unreachable target degrades the service, it does not fail it
                .body("status", equalTo("degraded"))
                .body("service", equalTo("performance-service"))
                .body("version", notNullValue())
                .body("uptime_seconds", greaterThanOrEqualTo(0))
                .body("checked_at", notNullValue())
                .body("checks.name", org.hamcrest.Matchers.hasItem("Kafka connection health check"))
                .body("targets.find { it.id == 'demo' }.engine", equalTo("postgresql"))
                .body("targets.find { it.id == 'demo' }.last_collected_at", notNullValue())
                .body("targets.find { it.id == 'demo' }.detail", equalTo(null))
                .body("targets.find { it.id == 'offline' }.detail", notNullValue())
                .body("tasks.find { it.name == 'collection demo' }.interval_seconds", equalTo(1))
                .body("tasks.find { it.name == 'collection demo' }.overdue", equalTo(false))
                .body("open_anomalies.keySet()", org.hamcrest.Matchers.containsInAnyOrder(
                        "info", "warning", "critical", "emergency"))
                // the peer (this service) is up and read through the REST client: its own status is shown
                .body("peer.service", equalTo("database-automation-service"))
                .body("peer.url", containsString("http://127.0.0.1:"))
                .body("peer.checked_at", notNullValue());
    }

    @Test
    void anOpenAnomalyIsCountedBySeverityFromTheNextRefreshOnNotPerRequest() throws Exception {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/health").then()
                .body("open_anomalies.emergency", notNullValue()));
        // a burst of concurrent requests is answered from the background computation, not one computation each:
        // at least two of them carry the same checked_at (the test refresh is 500 ms; the burst leaves within ms)
        List<Response> burst;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> given().get("/health")));
            }
            burst = new ArrayList<>();
            for (java.util.concurrent.Future<Response> f : futures) {
                burst.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> burstChecks = burst.stream().map(r -> r.jsonPath().getString("checked_at")).toList();
        assertTrue(burstChecks.stream().distinct().count() < burstChecks.size(),
                "several answers share one computation: " + burstChecks);
        JsonPath before = burst.stream().max(java.util.Comparator.comparing(
                r -> java.time.Instant.parse(r.jsonPath().getString("checked_at")))).orElseThrow().jsonPath();
        long count = before.getLong("open_anomalies.emergency");
        String fingerprint = "health-test-" + UUID.randomUUID();
        insertOpenAnomaly(fingerprint);
        try {
            // every answer until the count changes is one computed earlier; answers with the same checked_at are the
            // same bytes (a per-request computation would give each request its own checked_at)
            Map<String, String> bodyByCheck = new HashMap<>();
            burst.forEach(r -> record(bodyByCheck, r));
            List<String> checks = new ArrayList<>(burstChecks);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Response r = given().get("/health");
                record(bodyByCheck, r);
                checks.add(r.jsonPath().getString("checked_at"));
                return r.jsonPath().getLong("open_anomalies.emergency") == count + 1;
            });
            String changedAt = checks.get(checks.size() - 1);
            assertTrue(java.time.Instant.parse(changedAt).isAfter(java.time.Instant.parse(before.getString("checked_at"))),
                    "the change comes with a newer computation: " + changedAt);
        } finally {
            try (Connection c = state.getConnection();
                 PreparedStatement st = c.prepareStatement("DELETE FROM performance.anomaly WHERE fingerprint = ?")) {
                st.setString(1, fingerprint);
                st.executeUpdate();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/health").then()
                .body("open_anomalies.emergency", equalTo((int) count)));
    }

    private static void record(Map<String, String> bodyByCheck, Response r) {
        String checkedAt = r.jsonPath().getString("checked_at");
        String body = r.asString();
        String earlier = bodyByCheck.putIfAbsent(checkedAt, body);
        if (earlier != null) {
            assertEquals(earlier, body, "two answers of the computation at " + checkedAt + " differ");
        }
    }

    @Test
    void aTaskWhoseJobStopsRunningBecomesOverdueAndRecovers() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/health").then()
                .body("tasks.find { it.name == 'anomaly relay' }.last_run", notNullValue())
                .body("tasks.find { it.name == 'anomaly relay' }.overdue", equalTo(false)));
        Trigger relay = scheduler.getScheduledJobs().stream()
                .filter(t -> (AnomalyRelay.class.getName() + "#scheduled").equals(t.getMethodDescription()))
                .findFirst().orElse(null);
        assertNotNull(relay, "the anomaly relay's job");
        scheduler.pause(relay.getId());
        try {
            // the test relay runs every 500 ms: overdue after 3 x 500 ms without a run
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/health").then().statusCode(200)
                    .body("status", equalTo("degraded"))
                    .body("tasks.find { it.name == 'anomaly relay' }.overdue", equalTo(true))
                    .body("tasks.find { it.name == 'anomaly relay' }.interval_seconds", equalTo(1)));
        } finally {
            scheduler.resume(relay.getId());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/health").then()
                .body("tasks.find { it.name == 'anomaly relay' }.overdue", equalTo(false)));
    }

    private void insertOpenAnomaly(String fingerprint) throws Exception {
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO performance.anomaly (fingerprint, target_id, rule, status, severity, value, evidence, "
                        + "opened_at, updated_at) VALUES (?, 'health-test', 'health_test', 'open', 'emergency', 1, "
                        + "'{}'::jsonb, now(), now())")) {
            st.setString(1, fingerprint);
            st.executeUpdate();
        }
    }
}
