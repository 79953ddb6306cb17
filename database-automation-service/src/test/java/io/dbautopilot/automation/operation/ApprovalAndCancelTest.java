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
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Approval and cancellation through the API, against the real broker and real PostgreSQL backends. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ApprovalAndCancelTest {

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
    void aRunawayQueryIsCancelledOnlyAfterAnOperatorApproved() throws Exception {
        try (Connection runaway = support.target()) {
            int pid = pid(runaway);
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try (Statement st = runaway.createStatement()) {
                    st.execute("SELECT pg_sleep(120)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> support.targetValue(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state = 'active' "
                            + "AND now() - query_start > interval '1.5 seconds'", pid) != null);
            String eventId = UUID.randomUUID().toString();
            support.publish(eventId, OperationsTestSupport.anomaly("demo", "long_running_query", null,
                    Severity.CRITICAL, "investigate"));
            await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
            UUID id = support.operationFor(eventId);
            JsonNode requested = support.last(id, "requested");
            assertTrue(requested.path("reason").asText().contains("waits for an operator's approval"), requested.toString());
            Thread.sleep(2000); // several engine polls: nothing may happen without approval
            assertEquals("awaiting_approval", support.status(id));
            assertEquals(false, outcome.isDone(), "the query still runs");

            given().header("X-API-Key", OperationsTestSupport.VIEWER).post("/api/operations/" + id + "/approve")
                    .then().statusCode(403);
            given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/approve")
                    .then().statusCode(200).body("status", equalTo("pending")).body("approved_by", equalTo("operator"));
            JsonNode effect = support.last(id, "succeeded").path("details").path("effect");
            boolean cancelled = false;
            for (JsonNode s : effect.path("sessions")) {
                cancelled |= s.path("pid").asInt() == pid && s.path("cancelled").asBoolean();
            }
            assertTrue(cancelled, effect.toString());
            SQLException error = outcome.get(30, TimeUnit.SECONDS);
            assertEquals("57014", error == null ? null : error.getSQLState(), "the runaway query was cancelled");
            given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/approve")
                    .then().statusCode(409).contentType("application/problem+json");
        }
    }

    @Test
    void aWaitingOperationIsCancelledAtOnce() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.wait_t (id int)");
        String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":\"public.wait_t\",\"mode\":\"approval\"}")
                .when().post("/api/operations").then().statusCode(201).body("status", equalTo("awaiting_approval"))
                .extract().path("id");
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel")
                .then().statusCode(200).body("status", equalTo("cancelled"));
        JsonNode cancelled = support.last(UUID.fromString(id), "cancelled");
        assertEquals("cancelled by operator", cancelled.path("reason").asText());
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel")
                .then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void cancellingARunningOperationCancelsItsBackendOnTheTarget() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.locked_t (id int)");
        try (Connection holder = support.target()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE public.locked_t IN ACCESS EXCLUSIVE MODE");
            }
            // database 'patient' has lock_timeout 120 s: the VACUUM waits on the lock until it is cancelled
            String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"patient\",\"type\":\"vacuum\",\"object\":\"public.locked_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            UUID uuid = UUID.fromString(id);
            await().atMost(Duration.ofSeconds(60)).until(() -> support.stateValue(
                    "SELECT backend_pid FROM automation.operation WHERE id = ? AND status = 'running'", uuid) != null);
            int backend = ((Number) support.stateValue("SELECT backend_pid FROM automation.operation WHERE id = ?", uuid))
                    .intValue();
            await().atMost(Duration.ofSeconds(30)).until(() -> "Lock".equals(support.targetValue(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?", backend)));

            given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel")
                    .then().statusCode(202).body("cancel_requested", equalTo(true));
            JsonNode cancelled = support.last(uuid, "cancelled");
            assertTrue(cancelled.path("reason").asText().contains("cancelled"), cancelled.toString());
            assertEquals("cancelled", support.status(uuid));
            Object waiting = support.targetValue("SELECT wait_event_type FROM pg_stat_activity WHERE pid = ? "
                    + "AND wait_event_type = 'Lock'", backend);
            assertEquals(null, waiting, "the backend no longer waits for the lock");
            holder.rollback();
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
