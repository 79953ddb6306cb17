package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.stop.EmergencyStop;
import io.dbautopilot.automation.stop.EmergencyStops;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Severity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emergency stop against the real broker and real PostgreSQL: it cancels a VACUUM running (waiting on a lock) on
 * the server, refuses new work (API and anomalies, recorded and published) until lifted, shows on {@code /health}, is
 * persisted in the state database, and work resumes once lifted; a global stop holds for every target.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class EmergencyStopTest {

    private static final String OPERATOR = OperationsTestSupport.OPERATOR;
    private static final String VIEWER = OperationsTestSupport.VIEWER;

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
        // never leave a stop behind for the next test class in this JVM
        given().header("X-API-Key", OPERATOR).delete("/api/emergency-stop?target=patient");
        given().header("X-API-Key", OPERATOR).delete("/api/emergency-stop");
        support.close();
    }

    @Test
    void aTargetStopCancelsARunningVacuumRefusesNewWorkUntilLiftedThenWorkResumes() throws Exception {
        String table = "estop_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE public." + table + " (id int)",
                "INSERT INTO public." + table + " SELECT generate_series(1, 1000)");
        UUID running;
        int backend;
        try (Connection holder = support.target()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE public." + table + " IN ACCESS EXCLUSIVE MODE");
            }
            // database 'patient' has lock_timeout 120 s: the VACUUM waits on the lock until something stops it
            running = UUID.fromString(given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"patient\",\"type\":\"vacuum\",\"object\":\"public." + table + "\"}")
                    .post("/api/operations").then().statusCode(201).extract().path("id"));
            await().atMost(Duration.ofSeconds(60)).until(() -> support.stateValue(
                    "SELECT backend_pid FROM automation.operation WHERE id = ? AND status = 'running'", running) != null);
            backend = ((Number) support.stateValue("SELECT backend_pid FROM automation.operation WHERE id = ?", running))
                    .intValue();
            await().atMost(Duration.ofSeconds(30)).until(() -> "Lock".equals(support.targetValue(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?", backend)));
            assertTrue(String.valueOf(support.targetValue("SELECT query FROM pg_stat_activity WHERE pid = ?", backend))
                    .startsWith("VACUUM"));

            given().header("X-API-Key", VIEWER).contentType(ContentType.JSON).body("{\"reason\":\"viewer\"}")
                    .post("/api/emergency-stop").then().statusCode(403);
            JsonPath stop = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"target\":\"patient\",\"reason\":\"incident 42: disk latency\"}")
                    .post("/api/emergency-stop").then().statusCode(200).extract().jsonPath();
            assertEquals("patient", stop.getString("stop.target"));
            assertEquals(List.of(running.toString()), stop.getList("cancelling"));

            JsonNode cancelled = support.last(running, "cancelled");
            assertTrue(cancelled.path("reason").asText().contains("emergency stop (target patient) by operator: "
                    + "incident 42"), cancelled.toString());
            assertEquals("cancelled", support.status(running));
            // the VACUUM no longer runs on the server
            await().atMost(Duration.ofSeconds(10)).until(() -> support.targetValue(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state = 'active' AND query LIKE 'VACUUM%'",
                    backend) == null);
            holder.rollback();
        }
        assertNull(support.targetValue("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = ?", table));

        // new work is refused while the stop holds: by the API (409, recorded) ...
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"patient\",\"type\":\"analyze\",\"object\":\"public." + table + "\"}")
                .post("/api/operations").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("emergency stop (target patient)"));
        // ... and from an anomaly: recorded as cancelled and published, never started
        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly("patient", "table_not_analyzed", "public." + table,
                Severity.WARNING, "analyze"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID refused = support.operationFor(eventId);
        JsonNode refusal = support.last(refused, "cancelled");
        assertTrue(refusal.path("reason").asText().startsWith(OperationStore.REFUSED + "emergency stop"), refusal.toString());
        assertTrue(refusal.path("details").path("emergency_stop").asBoolean(), refusal.toString());
        assertEquals(List.of("cancelled"), support.states(refused));
        assertNull(support.stateValue("SELECT started_at FROM automation.operation WHERE id = ?", refused));
        // another target is not stopped
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"analyze\",\"object\":\"public." + table + "\"}")
                .post("/api/operations").then().statusCode(201);

        // shown to viewers and on /health, persisted in the state database
        given().header("X-API-Key", VIEWER).get("/api/emergency-stop").then().statusCode(200)
                .body("active", equalTo(true)).body("stops[0].target", equalTo("patient"))
                .body("stops[0].stopped_by", equalTo("operator"));
        // /health shows it from its next background refresh on: that it is active and how many targets, no more
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/health").then()
                .body("checks.find { it.name == 'emergency-stop' }.data.active", equalTo(true))
                .body("checks.find { it.name == 'emergency-stop' }.data.target_count", equalTo(1)));
        for (String path : List.of("/health", "/q/health/ready")) {
            String open = given().get(path).then().extract().asString();
            assertFalse(open.contains("incident 42"), "the stop's reason on the open " + path + ": " + open);
            assertEquals(java.util.Set.of("active", "global", "target_count"), io.restassured.path.json.JsonPath.from(open)
                    .getMap("checks.find { it.name == 'emergency-stop' }.data").keySet(), path + ": " + open);
        }
        assertEquals("incident 42: disk latency", support.stateValue(
                "SELECT reason FROM automation.emergency_stop WHERE scope = 'patient'"));
        try (Connection state = support.state()) {
            state.setAutoCommit(false);
            // a fresh reader (as after a restart: nothing about stops is kept in memory) sees it
            assertEquals(List.of("patient"), new EmergencyStops().list(state).stream().map(EmergencyStop::target).toList());
        }

        // lifted: work resumes
        given().header("X-API-Key", OPERATOR).delete("/api/emergency-stop?target=patient").then().statusCode(200)
                .body("target", equalTo("patient"));
        given().header("X-API-Key", OPERATOR).delete("/api/emergency-stop?target=patient").then().statusCode(404)
                .contentType("application/problem+json");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/health").then()
                .body("checks.find { it.name == 'emergency-stop' }.data.active", equalTo(false)));
        UUID after = UUID.fromString(given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"patient\",\"type\":\"vacuum\",\"object\":\"public." + table + "\"}")
                .post("/api/operations").then().statusCode(201).extract().path("id"));
        support.last(after, "succeeded");
        assertFalse(support.targetValue("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = ?", table) == null);
    }

    @Test
    void aGlobalStopRefusesEveryTargetAndValidatesItsInput() throws Exception {
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body("{\"target\":\"patient\"}")
                .post("/api/emergency-stop").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'reason'"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"../x\",\"reason\":\"r\"}")
                .post("/api/emergency-stop").then().statusCode(400).body("detail", containsString("'target'"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"maintenance freeze\"}")
                .post("/api/emergency-stop").then().statusCode(200).body("stop.target", equalTo(null));
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.global_stop_t (id int)");
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"analyze\",\"object\":\"public.global_stop_t\"}")
                .post("/api/operations").then().statusCode(409)
                .body("detail", containsString("emergency stop (global) by operator: maintenance freeze"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/health").then()
                .body("checks.find { it.name == 'emergency-stop' }.data.global", equalTo(true)));
        given().header("X-API-Key", OPERATOR).delete("/api/emergency-stop").then().statusCode(200);
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"analyze\",\"object\":\"public.global_stop_t\"}")
                .post("/api/operations").then().statusCode(201);
    }
}
