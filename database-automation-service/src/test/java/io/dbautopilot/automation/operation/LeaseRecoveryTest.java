package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An executor that died mid-operation (simulated: a {@code running} row whose lease expired and whose owner
 * {@code killed-instance} no longer heartbeats, plus the dead executor's backend still running on the target):
 * the operation is marked interrupted and retried, or failed once the tolerated interruptions are used up.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class LeaseRecoveryTest {

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
    void anOperationWhoseExecutorDiedIsMarkedInterruptedRetriedAndItsOldBackendStopped() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.lease_t (id int)",
                "INSERT INTO public.lease_t SELECT generate_series(1, 100)");
        UUID id = UUID.randomUUID();
        // the dead executor's backend, still running on the target under the operation's application_name
        Properties props = new Properties();
        props.setProperty("user", postgres.user());
        props.setProperty("password", postgres.password());
        props.setProperty("ApplicationName", "db-autopilot-automation op:" + id);
        try (Connection orphan = java.sql.DriverManager.getConnection(postgres.jdbcUrl(OperationsTestSupport.TARGET_DB), props)) {
            CompletableFuture<SQLException> orphanOutcome = CompletableFuture.supplyAsync(() -> {
                try (Statement st = orphan.createStatement()) {
                    st.execute("SELECT pg_sleep(120)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            insertRunning(id, 0, 3);
            JsonNode interrupted = support.last(id, "deferred");
            String reason = interrupted.path("reason").asText();
            assertTrue(reason.contains("interrupted: executor killed-instance stopped renewing its lease"), reason);
            assertTrue(reason.contains("retrying (interruption 1 of 3 tolerated)"), reason);
            assertEquals(true, interrupted.path("details").path("interrupted").asBoolean());
            JsonNode succeeded = support.last(id, "succeeded");
            assertEquals(List.of("deferred", "started", "succeeded"), support.states(id));
            assertEquals("test-instance", support.last(id, "started").path("details").path("executor").asText());
            assertEquals(2, succeeded.path("details").path("attempt").asInt());
            assertEquals(1, ((Number) support.stateValue("SELECT interruptions FROM automation.operation WHERE id = ?", id))
                    .intValue());
            SQLException orphanError = orphanOutcome.get(30, TimeUnit.SECONDS);
            assertNotNull(orphanError, "the dead executor's backend was stopped before the retry");
        }
    }

    @Test
    void anOperationInterruptedTooOftenFailsInsteadOfStayingRunning() throws Exception {
        UUID id = UUID.randomUUID();
        insertRunning(id, 2, 3);
        JsonNode failed = support.last(id, "failed");
        assertTrue(failed.path("reason").asText().contains("failed after 3 interruptions"), failed.toString());
        assertEquals("failed", support.status(id));
        assertEquals(null, support.stateValue("SELECT lease_owner FROM automation.operation WHERE id = ?", id));
    }

    private void insertRunning(UUID id, int interruptions, int maxAttempts) throws SQLException {
        try (Connection c = support.state()) {
            OperationsTestSupport.value(c, """
                    INSERT INTO automation.operation (id, target_id, type, object, heavy, mode, status, requested_by,
                           reason, attempts, max_attempts, interruptions, lease_owner, lease_expires_at, started_at)
                    VALUES (?, 'demo', 'analyze', 'public.lease_t', false, 'auto', 'running', 'test', 'simulated', 1, ?, ?,
                            'killed-instance', now() - interval '1 second', now() - interval '1 minute')
                    RETURNING id""", id, maxAttempts, interruptions);
        }
    }
}
