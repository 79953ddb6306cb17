package io.dbautopilot.automation.maintenance;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Maintenance statements on a real PostgreSQL target: REINDEX, VACUUM (FREEZE), DROP INDEX verification and preconditions. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class MaintenanceExecutorTest {

    private static final String OPERATOR = "operator-secret-1";

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    io.dbautopilot.localstack.kafka.KafkaBroker kafka;

    @Test
    void reindexConcurrentlyShrinksABloatedIndexAndDropsAFailedBuildsCcnewLeftover() throws Exception {
        postgres.execute("demo_target",
                "CREATE TABLE public.bloated (id int, v int)",
                "INSERT INTO public.bloated SELECT g, g % 10 FROM generate_series(1, 60000) g",
                "CREATE INDEX bloated_v_idx ON public.bloated (id)",
                "DELETE FROM public.bloated WHERE id % 10 <> 0",
                "VACUUM public.bloated");
        // a failed concurrent build leaves an invalid index behind: a unique build over duplicates fails
        assertThrows(IllegalStateException.class, () -> postgres.execute("demo_target",
                "CREATE UNIQUE INDEX CONCURRENTLY bloated_v_idx_ccnew ON public.bloated (v)"));
        assertEquals(1L, count("SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
                + "WHERE c.relname = 'bloated_v_idx_ccnew' AND NOT x.indisvalid"));

        Map<String, Object> result = runToEnd("{\"database\":\"demo\",\"type\":\"reindex\",\"object\":\"public.bloated_v_idx\"}",
                "succeeded");
        assertEquals(List.of("public.bloated_v_idx_ccnew"), result.get("dropped_ccnew_leftovers"), result.toString());
        assertEquals(0, ((Number) result.get("invalid_ccnew_left")).intValue());
        assertEquals(true, result.get("shrank"), result.toString());
        assertTrue(((Number) result.get("size_bytes_after")).longValue() < ((Number) result.get("size_bytes_before")).longValue());
        assertEquals(0L, count("SELECT count(*) FROM pg_index x WHERE NOT x.indisvalid "
                + "AND x.indrelid = 'public.bloated'::regclass"), "no invalid index is left");
    }

    @Test
    void aLongRunningTransactionDefersHeavyMaintenanceWithThePrecondition() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.careful_t (id int)");
        try (Connection longTx = postgres.connect("demo_target")) {
            longTx.setAutoCommit(false);
            int pid;
            try (Statement st = longTx.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid(), txid_current()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Thread.sleep(1500); // database 'careful' allows transactions of 1 s before heavy maintenance waits
            String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"careful\",\"type\":\"vacuum\",\"object\":\"public.careful_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            await().atMost(Duration.ofSeconds(60)).until(() -> "deferred".equals(field(id, "status")));
            String reason = field(id, "reason");
            assertTrue(reason.startsWith("precondition long_running_transaction: pid " + pid), reason);
            longTx.rollback();
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + id + "/cancel").then().statusCode(200);
        }
    }

    @Test
    void vacuumFreezeLowersTheTablesXidAge() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE public.frozen_t (id int)", "INSERT INTO public.frozen_t VALUES (1)");
        for (int i = 0; i < 25; i++) {
            postgres.execute("demo_target", "SELECT txid_current()"); // age the table's relfrozenxid
        }
        Map<String, Object> result = runToEnd("{\"database\":\"demo\",\"type\":\"vacuum_freeze\",\"object\":\"public.frozen_t\"}",
                "succeeded");
        long before = ((Number) result.get("relfrozenxid_age_before")).longValue();
        long after = ((Number) result.get("relfrozenxid_age_after")).longValue();
        assertTrue(before >= 25 && after < before, result.toString());
        assertEquals("VACUUM (FREEZE, ANALYZE) public.frozen_t", result.get("statement"));
    }

    /**
     * A VACUUM slowed by cost-based delay (set on the database for new sessions) runs for seconds; its progress is
     * read from pg_stat_progress_vacuum and published as progress events with the phase and a percentage of the heap.
     */
    @Test
    void aRunningVacuumPublishesItsPhaseAndPercentageAsProgressEvents() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE public.slow_vacuum_t (id int, pad text) WITH (autovacuum_enabled = false)",
                "INSERT INTO public.slow_vacuum_t SELECT g, repeat('x', 100) FROM generate_series(1, 24000) g",
                "DELETE FROM public.slow_vacuum_t WHERE id % 2 = 0",
                "ALTER DATABASE demo_target SET vacuum_cost_delay = '20ms'",
                "ALTER DATABASE demo_target SET vacuum_cost_limit = 20");
        try (io.dbautopilot.automation.backup.OperationEvents events =
                     new io.dbautopilot.automation.backup.OperationEvents(kafka.bootstrapServers())) {
            String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":\"public.slow_vacuum_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            List<com.fasterxml.jackson.databind.JsonNode> seen = events.until(java.util.UUID.fromString(id), "succeeded");
            List<com.fasterxml.jackson.databind.JsonNode> progress = seen.stream()
                    .filter(e -> e.path("state").asText().equals("progress")).toList();
            assertTrue(progress.stream().anyMatch(e -> e.path("details").path("command").asText().equals("VACUUM")
                    && e.path("details").path("relation").asText().equals("slow_vacuum_t")
                    && e.path("details").path("blocks_total").asLong() > 0
                    && e.path("progress").isNumber()), "VACUUM progress with blocks and a fraction: " + progress);
            assertTrue(progress.stream().map(e -> e.path("details").path("phase").asText()).distinct().count() >= 2
                            || progress.stream().map(e -> e.path("progress").asDouble()).distinct().count() >= 2,
                    "progress moves (phase or percentage) while the VACUUM runs: " + progress);
            assertEquals("succeeded", field(id, "status"));
        } finally {
            postgres.execute("demo_target", "ALTER DATABASE demo_target RESET vacuum_cost_delay",
                    "ALTER DATABASE demo_target RESET vacuum_cost_limit");
        }
    }

    @Test
    void anInvalidIndexAnomalyLeadsToDropIndexConcurrently() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE public.dup_t (v int)", "INSERT INTO public.dup_t VALUES (1), (1)");
        assertThrows(IllegalStateException.class, () -> postgres.execute("demo_target",
                "CREATE UNIQUE INDEX CONCURRENTLY dup_t_v_key ON public.dup_t (v)"));
        assertEquals(1L, count("SELECT count(*) FROM pg_index WHERE indexrelid = 'public.dup_t_v_key'::regclass AND NOT indisvalid"));
        String eventId = java.util.UUID.randomUUID().toString();
        try (io.dbautopilot.automation.operation.AnomalyPublisher publisher = new io.dbautopilot.automation.operation
                .AnomalyPublisher(kafka.bootstrapServers())) {
            publisher.publish(eventId, "demo", "invalid_index", "public.dup_t_v_key");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(stateText(
                "SELECT status FROM automation.operation WHERE triggering_event_id = ?", eventId)));
        assertEquals(0L, count("SELECT count(*) FROM pg_class WHERE relname = 'dup_t_v_key'"), "the invalid index is gone");
        assertEquals("drop_index", stateText("SELECT type FROM automation.operation WHERE triggering_event_id = ?", eventId));
    }

    private String stateText(String sql, String param) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private Map<String, Object> runToEnd(String body, String expected) {
        String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(body)
                .when().post("/api/operations").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(90)).until(() -> List.of("succeeded", "failed", "cancelled")
                .contains(field(id, "status")));
        assertEquals(expected, field(id, "status"), "error: " + field(id, "error"));
        return given().header("X-API-Key", OPERATOR).get("/api/operations/" + id).then().extract().path("result");
    }

    private static String field(String id, String name) {
        return given().header("X-API-Key", OPERATOR).get("/api/operations/" + id).then().statusCode(200).extract().path(name);
    }

    private long count(String sql) throws SQLException {
        try (Connection c = postgres.connect("demo_target"); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
