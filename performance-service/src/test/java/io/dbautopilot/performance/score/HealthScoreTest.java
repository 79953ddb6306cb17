package io.dbautopilot.performance.score;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.OperationEvent;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.performance.operations.OperationEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health scores of real targets on a throwaway cluster: real conditions lose named points; backups come from the broker. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class HealthScoreTest {

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    private static JsonPath health(String target) {
        return RestAssured.get("/api/targets/{id}/health", target).then().statusCode(200)
                .contentType("application/json").extract().jsonPath();
    }

    private static Map<String, Object> category(JsonPath h, String name) {
        List<Map<String, Object>> cats = h.getList("categories");
        return cats.stream().filter(c -> name.equals(c.get("category"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(JsonPath h, String category, String name) {
        List<Map<String, Object>> checks = (List<Map<String, Object>>) category(h, category).get("checks");
        return checks.stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + checks));
    }

    @Test
    void theReportIsConsistentAndEveryLostPointIsExplained() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> health("demo").getString("grade") != null);
        JsonPath h = health("demo");
        List<Map<String, Object>> cats = h.getList("categories");
        assertEquals(8, cats.size());
        double weighted = 0;
        int weights = 0;
        for (Map<String, Object> c : cats) {
            List<Map<String, Object>> checks = (List<Map<String, Object>>) c.get("checks");
            if ("scored".equals(c.get("status"))) {
                int lost = checks.stream().mapToInt(x -> (Integer) x.get("points_lost")).sum();
                assertEquals(Math.max(0, 100 - lost), c.get("score"), "category " + c.get("category"));
                weighted += (Integer) c.get("score") * (Integer) c.get("weight");
                weights += (Integer) c.get("weight");
            } else {
                assertEquals(null, c.get("score"));
                assertNotNull(c.get("reason"));
            }
        }
        assertEquals((int) Math.round(weighted / weights), h.getInt("score"));
        assertEquals(HealthReport.grade(h.getInt("score")), h.getString("grade"));
        assertEquals("unknown", category(h, "backup_status").get("status"), "no backup seen yet");
        assertTrue(h.getString("note").contains("backup_status"));
        for (Map<String, Object> lost : h.<Map<String, Object>>getList("lost")) {
            assertTrue((Integer) lost.get("points_lost") > 0);
            assertNotNull(lost.get("evidence"), "evidence of " + lost);
            assertNotNull(lost.get("threshold"), "threshold of " + lost);
            assertNotNull(lost.get("message"), "message of " + lost);
        }
        // The throwaway cluster's pg_hba.conf: security is scored from the real file.
        Map<String, Object> trust = check(h, "security", "hba_trust_rules");
        assertTrue(List.of("ok", "lost", "not_evaluated").contains(trust.get("status")));
        assertEquals("ok", check(h, "connectivity", "target_up").get("status"));
    }

    @Test
    void anInvalidIndexCostsSchemaIntegrityPoints() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS score_invalid", "CREATE TABLE score_invalid(v int)",
                "INSERT INTO score_invalid VALUES (1), (1)");
        assertThrows(SQLException.class, () -> {
            try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
                st.execute("CREATE UNIQUE INDEX CONCURRENTLY score_invalid_v ON score_invalid(v)");
            }
        });
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                Map<String, Object> c = check(health("demo"), "schema_integrity", "invalid_indexes");
                assertEquals("lost", c.get("status"));
                double n = ((Number) c.get("evidence")).doubleValue();
                assertTrue(n >= 1);
                assertEquals((int) Math.min(45, 15 * Math.ceil(n)), c.get("points_lost"));
            });
            JsonPath h = health("demo");
            assertTrue(h.<Map<String, Object>>getList("lost").stream().anyMatch(l -> "invalid_indexes".equals(l.get("name"))));
        } finally {
            postgres.execute("demo_target", "DROP TABLE score_invalid");
        }
    }

    @Test
    void sessionsIdleInTransactionCostConnectionPoolPoints() throws Exception {
        List<Connection> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Connection c = postgres.connect("demo_target");
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                }
                idle.add(c);
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                Map<String, Object> c = check(health("demo"), "connection_pool", "idle_in_transaction_sessions");
                assertEquals("lost", c.get("status"));
                assertTrue(((Number) c.get("evidence")).doubleValue() >= 6);
                assertEquals("> 5", c.get("threshold"));
                assertEquals(10, c.get("points_lost"));
            });
        } finally {
            for (Connection c : idle) {
                c.close();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertEquals("ok", check(health("demo"), "connection_pool", "idle_in_transaction_sessions").get("status")));
    }

    @Test
    void backupStatusComesFromBackupOperationsOnTheBroker() throws Exception {
        String target = "plain";
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID old = UUID.randomUUID();
            Instant then = Instant.now().minus(Duration.ofHours(30));
            events.publish(new OperationEvent(old, null, target, "backup", OperationState.SUCCEEDED, 1.0, null,
                    then.minusSeconds(600), then.minusSeconds(590), then, then, Map.of("kind", "full")));
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                JsonPath h = health(target);
                assertEquals("scored", category(h, "backup_status").get("status"));
                Map<String, Object> age = check(h, "backup_status", "backup_age");
                assertEquals(30, age.get("points_lost"), "older than 26 h: " + age);
                assertTrue(((Number) age.get("evidence")).doubleValue() >= 30 * 3600 - 60);
                assertEquals(70, category(h, "backup_status").get("score"));
            });

            UUID failed = UUID.randomUUID();
            events.publish(OperationEvents.event(failed, target, "backup_incremental", OperationState.STARTED, null, Map.of()));
            OperationEvent failure = OperationEvents.event(failed, target, "backup_incremental", OperationState.FAILED,
                    null, Map.of());
            events.publish(new OperationEvent(failure.operationId(), null, target, failure.type(), failure.state(), null,
                    "repository unreachable", failure.requestedAt(), failure.startedAt(), failure.finishedAt(),
                    failure.occurredAt(), failure.details()));
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                Map<String, Object> last = check(health(target), "backup_status", "last_backup_result");
                assertEquals(40, last.get("points_lost"));
                assertTrue(((String) last.get("message")).contains("repository unreachable"));
                assertEquals(30, category(health(target), "backup_status").get("score"));
            });

            UUID fresh = UUID.randomUUID();
            events.publish(OperationEvents.event(fresh, target, "backup", OperationState.SUCCEEDED, 1.0, Map.of()));
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertEquals(100, category(health(target), "backup_status").get("score")));
        }
    }

    @Test
    void aDownTargetScoresZero() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            JsonPath h = health("offline");
            assertEquals(0, h.getInt("score"));
            assertEquals("F", h.getString("grade"));
            assertEquals(100, check(h, "connectivity", "target_up").get("points_lost"));
            assertEquals("unknown", category(h, "storage").get("status"));
        });
    }

    @Test
    void scoresAreExportedForPrometheus() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("autopilot_health_score{target=\"demo\",category=\"overall\"}"), "overall");
            assertTrue(metrics.contains("autopilot_health_score{target=\"demo\",category=\"connectivity\"}"), "category");
            assertTrue(metrics.matches("(?s).*autopilot_health_grade\\{target=\"demo\",grade=\"(A\\+|A|B|C|D|F)\"} 1\\.0.*"),
                    "grade");
            assertTrue(metrics.contains("autopilot_health_score{target=\"offline\",category=\"overall\"} 0.0"), "down");
        });
    }

    @Test
    void unknownTargetIsAProblem() {
        RestAssured.get("/api/targets/{id}/health", "nope").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no target 'nope'"));
    }
}
