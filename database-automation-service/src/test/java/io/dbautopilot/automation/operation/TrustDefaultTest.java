package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.fleet.TargetWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code autopilot.trust.default=observe}: a registry target and a property target that set no trust are observed (a
 * real dead-tuple anomaly becomes {@code would_run} with its statement, the table is not vacuumed); a target that says
 * {@code auto} keeps it.
 */
@QuarkusTest
@TestProfile(TrustDefaultTest.ObserveByDefault.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TrustDefaultTest {

    /** The default trust set to observe. */
    public static class ObserveByDefault implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("autopilot.trust.default", "observe");
        }
    }

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    TargetWriter writer;

    @Inject
    ManagedDatabases databases;

    private OperationsTestSupport support;
    private java.nio.file.Path secret;
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    @BeforeEach
    void open() throws Exception {
        support = new OperationsTestSupport(kafka, postgres);
        secret = java.nio.file.Files.createTempFile("trust-default", ".pw");
        java.nio.file.Files.writeString(secret, postgres.password() + "\n");
    }

    @AfterEach
    void close() throws Exception {
        support.close();
        java.nio.file.Files.deleteIfExists(secret);
    }

    @Test
    void targetsWithoutTrustTakeTheConfiguredDefaultAndGetWouldRun() throws Exception {
        assertEquals(Trust.OBSERVE, databases.trust("demo"), "the property target 'demo' sets no trust");
        String id = "default-" + suffix;
        String explicit = "explicit-" + suffix;
        writer.put(target(id, null));
        writer.put(target(explicit, Trust.AUTO));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.exists(id) && databases.exists(explicit));
        assertEquals(Trust.OBSERVE, databases.trust(id), "no trust in the registry: the default");
        assertEquals(Trust.AUTO, databases.trust(explicit), "an explicit auto wins over the default");

        String table = "defaulted_" + suffix;
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "INSERT INTO public." + table + " SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g",
                "DELETE FROM public." + table + " WHERE id % 4 <> 0");
        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly(id, "dead_tuples", "public." + table, Severity.CRITICAL,
                "vacuum"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID op = support.operationFor(eventId);
        JsonNode wouldRun = support.last(op, "would_run");
        assertEquals("VACUUM (ANALYZE) public." + table, wouldRun.path("details").path("statement").asText(),
                wouldRun.toString());
        assertEquals(List.of("would_run"), support.states(op));
        assertNull(support.stateValue("SELECT started_at FROM automation.operation WHERE id = ?", op), "never started");
        assertNull(support.targetValue("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = ?", table),
                "the table was not vacuumed");
        writer.remove(id);
        writer.remove(explicit);
    }

    private TargetDefinition target(String id, Trust trust) {
        return new TargetDefinition(id, Engine.POSTGRESQL, postgres.uri(OperationsTestSupport.TARGET_DB), postgres.user(),
                "file:" + secret, Map.of("env", "test"), null, TargetDefinition.Automation.DEFAULTS, trust, "api", null, null);
    }
}
