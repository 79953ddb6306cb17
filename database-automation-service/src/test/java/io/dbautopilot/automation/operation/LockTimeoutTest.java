package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locks held by another session: lock_timeout, retries with back-off, then a deferral with the reason. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class LockTimeoutTest {

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
    void aLockHeldByAnotherSessionLeadsToRetriesThenADeferralNamingTheHolder() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.busy_t (id int)");
        try (Connection holder = support.target()) {
            holder.setAutoCommit(false);
            int holderPid;
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE public.busy_t IN ACCESS EXCLUSIVE MODE");
                try (var rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    holderPid = rs.getInt(1);
                }
            }
            // database 'demo': lock_timeout 300 ms, 2 retries with 200 ms doubling back-off (test profile)
            String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":\"public.busy_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            UUID uuid = UUID.fromString(id);
            JsonNode deferred = support.last(uuid, "deferred");
            assertEquals(List.of("requested", "started", "progress", "progress", "deferred"), support.states(uuid));
            String reason = deferred.path("reason").asText();
            assertTrue(reason.contains("lock_timeout (300 ms) on public.busy_t 3 times in a row"), reason);
            assertTrue(reason.contains("pid " + holderPid + " (AccessExclusiveLock)"), reason);
            assertEquals("lock_timeout", deferred.path("details").path("cause").asText());
            Instant notBefore = Instant.parse(deferred.path("details").path("not_before").asText());
            assertTrue(notBefore.isAfter(Instant.now().plus(Duration.ofMinutes(4))), "deferred by the defer delay (5m)");
            assertEquals("deferred", support.status(uuid));
            assertTrue(((java.sql.Timestamp) support.stateValue("SELECT not_before FROM automation.operation WHERE id = ?",
                    uuid)).toInstant().isAfter(Instant.now().plus(Duration.ofMinutes(4))));
            holder.rollback();
            given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel")
                    .then().statusCode(200);
        }
    }

    @Test
    void aWindowModeOperationOnADatabaseWithoutWindowsIsDeferredWithTheReason() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.nowindow_t (id int)");
        String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":\"public.nowindow_t\",\"mode\":\"window\"}")
                .when().post("/api/operations").then().statusCode(201).extract().path("id");
        UUID uuid = UUID.fromString(id);
        JsonNode deferred = support.last(uuid, "deferred");
        assertTrue(deferred.path("reason").asText().contains("no maintenance window configured for demo"),
                deferred.toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> "deferred".equals(support.status(uuid)));
        Thread.sleep(1500);
        assertEquals(List.of("requested", "deferred"), support.states(uuid), "deferred once, not re-announced each poll");
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel")
                .then().statusCode(200);
    }
}
