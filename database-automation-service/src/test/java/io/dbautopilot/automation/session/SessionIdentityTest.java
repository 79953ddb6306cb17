package io.dbautopilot.automation.session;

import io.dbautopilot.automation.operation.AnomalyPublisher;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17: session signals reach a pid only while it is the same session, and never spare a session for its name. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class SessionIdentityTest {

    private static final String OPERATOR = "operator-secret-1";

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void aTerminateWhosePidNowBelongsToAnotherSessionLeavesThatSessionAlone() throws Exception {
        String id;
        try (Connection a = postgres.connect("demo_target")) {
            int pidA = pid(a);
            id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"demo\",\"type\":\"terminate\",\"object\":\"" + pidA + "\",\"mode\":\"approval\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            assertEquals("awaiting_approval", operation(id).getString("status"));
            assertNotNull(operation(id).getString("parameters.backend_start"), "the session's identity is recorded");
        } // session A ends
        try (Connection b = postgres.connect("demo_target")) {
            int pidB = pid(b);
            // pid reuse: the operation now names a live session B, with A's backend_start, usename and datname
            try (Connection state = postgres.connect("autopilot_state");
                 PreparedStatement ps = state.prepareStatement("UPDATE automation.operation SET object = ? WHERE id = ?")) {
                ps.setString(1, Integer.toString(pidB));
                ps.setObject(2, UUID.fromString(id));
                assertEquals(1, ps.executeUpdate());
            }
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + id + "/approve").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> List.of("succeeded", "failed", "cancelled")
                    .contains(operation(id).getString("status")));
            JsonPath op = operation(id);
            assertEquals("failed", op.getString("status"));
            assertTrue(op.getString("error").startsWith("session changed: pid " + pidB + " is now "), op.getString("error"));
            assertEquals(pidB, pid(b), "session B is still connected");
        }
    }

    @Test
    void aSessionNamedLikeTheAutomationServiceIsHandledLikeAnyOther() throws Exception {
        try (Connection impostor = postgres.connect("demo_target")) {
            try (Statement st = impostor.createStatement()) {
                st.execute("SET application_name = 'db-autopilot-automation op:" + UUID.randomUUID() + "'");
            }
            impostor.setAutoCommit(false);
            int pid = pid(impostor);
            // the test policy's limit is 2 s: wait until the session is over it
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM pg_stat_activity WHERE pid = "
                    + pid + " AND state = 'idle in transaction' AND now() - state_change > interval '2.5 seconds'") == 1);
            String eventId = UUID.randomUUID().toString();
            try (AnomalyPublisher publisher = new AnomalyPublisher(kafka.bootstrapServers())) {
                publisher.publish(eventId, "demo", "idle_in_transaction", null);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(stateText(eventId)));
            assertEquals(0L, count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid), "the session was terminated");
            assertThrows(SQLException.class, () -> pid(impostor), "the terminated session is gone");
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static JsonPath operation(String id) {
        return given().header("X-API-Key", OPERATOR).get("/api/operations/" + id).then().statusCode(200).extract().jsonPath();
    }

    private String stateText(String eventId) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(
                "SELECT status FROM automation.operation WHERE triggering_event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
