package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.operation.AnomalyPublisher;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17: a drop_index re-checks the catalog when it runs, so a stale or forged invalid_index anomaly drops nothing valid. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class IndexSafetyTest {

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void aForgedInvalidIndexAnomalyNamingAValidUniqueConstraintOrPlainIndexDropsNothingAndSaysWhy() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE public.forged_t (id int, code text, ref int)",
                "CREATE UNIQUE INDEX forged_t_code_idx ON public.forged_t (code)",
                "ALTER TABLE public.forged_t ADD CONSTRAINT forged_t_ref_key UNIQUE (ref)",
                "CREATE INDEX forged_t_id_idx ON public.forged_t (id)");
        String unique = publish("public.forged_t_code_idx");
        String constraint = publish("public.forged_t_ref_key");
        String plain = publish("public.forged_t_id_idx");

        String uniqueError = failedError(unique);
        assertTrue(uniqueError.contains("refused to drop index public.forged_t_code_idx: it is a valid UNIQUE index"),
                uniqueError);
        String constraintError = failedError(constraint);
        assertTrue(constraintError.contains("refused to drop index public.forged_t_ref_key: it backs constraint(s) "
                + "forged_t_ref_key"), constraintError);
        String plainError = failedError(plain);
        assertTrue(plainError.contains("refused to drop index public.forged_t_id_idx: it is valid now "
                + "(pg_index.indisvalid), not INVALID"), plainError);
        assertEquals(3L, count("SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
                + "WHERE c.relname IN ('forged_t_code_idx', 'forged_t_ref_key', 'forged_t_id_idx') AND x.indisvalid"),
                "the three indexes are still there");
    }

    @Test
    void aRealInvalidIndexOfAFailedUniqueConcurrentBuildIsStillDropped() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE public.failed_t (v int)", "INSERT INTO public.failed_t VALUES (1), (1)");
        assertThrows(IllegalStateException.class, () -> postgres.execute("demo_target",
                "CREATE UNIQUE INDEX CONCURRENTLY failed_t_v_key ON public.failed_t (v)"));
        assertEquals(1L, count("SELECT count(*) FROM pg_index WHERE indexrelid = 'public.failed_t_v_key'::regclass "
                + "AND NOT indisvalid AND indisunique"));
        String eventId = publish("public.failed_t_v_key");
        await().atMost(Duration.ofSeconds(60)).until(() -> terminal(eventId));
        assertEquals("succeeded", state("status", eventId), "error: " + state("error", eventId));
        assertEquals(0L, count("SELECT count(*) FROM pg_class WHERE relname = 'failed_t_v_key'"), "the invalid index is gone");
    }

    private String publish(String index) throws Exception {
        String eventId = UUID.randomUUID().toString();
        try (AnomalyPublisher publisher = new AnomalyPublisher(kafka.bootstrapServers())) {
            publisher.publish(eventId, "demo", "invalid_index", index);
        }
        return eventId;
    }

    private String failedError(String eventId) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> terminal(eventId));
        assertEquals("failed", state("status", eventId));
        return state("error", eventId);
    }

    private boolean terminal(String eventId) throws SQLException {
        String status = state("status", eventId);
        return status != null && List.of("succeeded", "failed", "cancelled").contains(status);
    }

    private String state(String column, String eventId) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(
                "SELECT " + column + " FROM automation.operation WHERE triggering_event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = postgres.connect("demo_target"); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
