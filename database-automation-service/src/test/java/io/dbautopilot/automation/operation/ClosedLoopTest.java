package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Severity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closed loop against the real broker and real PostgreSQL: anomaly event on autopilot.anomalies.v1 → policy →
 * operation → verified effect → outcome events read back from autopilot.operations.v1.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ClosedLoopTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    private OperationsTestSupport support;

    @BeforeEach
    void open() {
        support = new OperationsTestSupport(kafka, postgres);
    }

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void deadTuplesAnomalyLeadsToAVerifiedVacuumAndAReplayCreatesNoSecondOperation() throws Exception {
        String table = "loop_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "INSERT INTO public." + table + " SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g",
                "DELETE FROM public." + table + " WHERE id % 4 <> 0");
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) support.targetValue(
                "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = ?", table)).longValue() >= 15000);

        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly("demo", "dead_tuples", "public." + table,
                Severity.CRITICAL, "vacuum"));

        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID id = support.operationFor(eventId);
        JsonNode succeeded = support.last(id, "succeeded");
        assertEquals(List.of("requested", "started", "succeeded"), support.states(id));
        JsonNode effect = succeeded.path("details").path("effect");
        assertEquals("VACUUM (ANALYZE) public." + table, effect.path("statement").asText());
        assertTrue(effect.path("n_dead_tup_before").asLong() >= 15000, effect.toString());
        assertTrue(effect.path("n_dead_tup_after").asLong() < effect.path("n_dead_tup_before").asLong(), effect.toString());
        assertEquals(eventId, succeeded.path("triggering_event_id").asText());
        assertEquals("vacuum", succeeded.path("type").asText());
        assertEquals("dead-tuples-critical", succeeded.path("details").path("rule").asText());
        assertNotNull(succeeded.path("finished_at").asText(null));
        long deadNow = ((Number) support.targetValue("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = ?", table))
                .longValue();
        assertEquals(effect.path("n_dead_tup_after").asLong(), deadNow, "the reported effect is what the target shows");

        // the same event again: recognised by its id, no second operation
        double duplicates = consumed("duplicate");
        support.publish(eventId, OperationsTestSupport.anomaly("demo", "dead_tuples", "public." + table,
                Severity.CRITICAL, "vacuum"));
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("duplicate") >= duplicates + 1);
        assertEquals(1L, ((Number) support.stateValue(
                "SELECT count(*) FROM automation.operation WHERE object = ?", "public." + table)).longValue());
        assertEquals(1L, ((Number) support.stateValue(
                "SELECT count(*) FROM automation.outbox WHERE operation_id = ? AND event_type = ?", id,
                "io.dbautopilot.operation.requested.v1")).longValue());
        given().header("X-API-Key", OperationsTestSupport.VIEWER).when().get("/api/operations/" + id).then()
                .statusCode(200).body("status", org.hamcrest.Matchers.equalTo("succeeded"))
                .body("result.n_dead_tup_before", org.hamcrest.Matchers.greaterThanOrEqualTo(15000));
    }

    @Test
    void staleStatisticsLeadToAnAnalyzeThatMovesLastAnalyze() throws Exception {
        String table = "stats_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int) WITH (autovacuum_enabled = off)",
                "INSERT INTO public." + table + " SELECT generate_series(1, 1000)");
        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly("demo", "table_not_analyzed", "public." + table,
                Severity.WARNING, "analyze"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID id = support.operationFor(eventId);
        JsonNode effect = support.last(id, "succeeded").path("details").path("effect");
        assertTrue(effect.path("last_analyze_before").isNull(), effect.toString());
        assertTrue(effect.path("last_analyze_after").isTextual(), effect.toString());
        assertNotNull(support.targetValue("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = ?", table));
    }

    @Test
    void aSessionIdleInTransactionBeyondTheLimitIsTerminatedAndRecorded() throws Exception {
        try (Connection idle = support.target()) {
            idle.setAutoCommit(false);
            int pid;
            try (Statement st = idle.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // the policy's limit is 2 s: wait until the session is over it
            await().atMost(Duration.ofSeconds(30)).until(() -> support.targetValue(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state = 'idle in transaction' "
                            + "AND now() - state_change > interval '2.5 seconds'", pid) != null);
            String eventId = UUID.randomUUID().toString();
            support.publish(eventId, OperationsTestSupport.anomaly("demo", "idle_in_transaction", null,
                    Severity.WARNING, "terminate_idle"));
            await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
            UUID id = support.operationFor(eventId);
            JsonNode effect = support.last(id, "succeeded").path("details").path("effect");
            boolean recorded = false;
            for (JsonNode s : effect.path("sessions")) {
                if (s.path("pid").asInt() == pid) {
                    recorded = s.path("terminated").asBoolean();
                }
            }
            assertTrue(recorded, "pid " + pid + " terminated and recorded: " + effect);
            assertEquals(0, effect.path("sessions_still_over_limit").asInt());
            assertThrows(SQLException.class, () -> {
                try (Statement st = idle.createStatement()) {
                    st.executeQuery("SELECT 1");
                }
            }, "the terminated session is gone");
        }
    }

    private static double consumed(String outcome) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("autopilot_events_consumed_total{") && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
