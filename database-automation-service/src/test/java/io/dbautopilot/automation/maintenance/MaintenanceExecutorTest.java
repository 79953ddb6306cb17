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

/** Maintenance statements on a real PostgreSQL target: REINDEX CONCURRENTLY verification and the preconditions. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class MaintenanceExecutorTest {

    private static final String OPERATOR = "operator-secret-1";

    @InjectInfra
    PostgresServer postgres;

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
