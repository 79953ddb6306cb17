package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.dbautopilot.automation.migration.MigrationSupport.finished;
import static io.dbautopilot.automation.migration.MigrationSupport.operator;
import static io.dbautopilot.automation.migration.MigrationSupport.reasons;
import static io.dbautopilot.automation.migration.MigrationSupport.request;
import static io.dbautopilot.automation.migration.MigrationSupport.script;
import static io.dbautopilot.automation.migration.MigrationSupport.value;
import static io.dbautopilot.automation.migration.MigrationSupport.viewer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safety of migration runs on real databases: health-gated deferral, one runner per database (two runners at once,
 * a held lease, a dead runner's expired lease), CREATE INDEX CONCURRENTLY under the lock, a failed concurrent
 * build's invalid index dropped, a cancel while the pre-migration dump waits for a lock (cancelled promptly, nothing
 * applied, no dump left), and pending migrations detected and requested through the policy.
 */
@QuarkusTest
@TestProfile(MigrationTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "targets",
        value = "demo_target,mig_target,gate_target,twin_target,cic_target,watch_target,dumpcancel_target"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationSafetyTest {

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    MigrationFlyway flyways;

    @BeforeAll
    void databases() {
        for (String db : List.of("gate_target", "twin_target", "cic_target", "watch_target")) {
            postgres.createDatabase(db);
        }
    }

    @Test
    void aLongTransactionDefersTheRunWithTheReasonThenItRuns() throws Exception {
        script("gate", "V1__gated.sql", "CREATE TABLE gated (id int);\n");
        String opId;
        try (Connection holder = postgres.connect("gate_target")) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT txid_current()");
            }
            Thread.sleep(1500);
            opId = request("gate", "apply", "{}");
            await().atMost(Duration.ofSeconds(60)).until(() -> !reasons(postgres, opId, "deferred").isEmpty());
            String reason = reasons(postgres, opId, "deferred").get(0);
            assertTrue(reason.contains("precondition long_running_transaction"), reason);
            assertNull(value(postgres, "gate_target", "SELECT to_regclass('public.gated')::text"), "nothing ran");
            holder.rollback();
        }
        JsonPath done = finished(opId);
        assertEquals("succeeded", done.getString("status"), done.prettify());
        assertEquals("gated", value(postgres, "gate_target", "SELECT to_regclass('public.gated')::text"));
    }

    @Test
    @Order(1)
    void twoRunnersOnOneDatabaseApplyOnceTheOtherSeesItDone() throws Exception {
        script("twin-a", "V1__slow_table.sql", "CREATE TABLE twin (id int);\nSELECT pg_sleep(3);\n");
        script("twin-a", "V2__twin_column.sql", "ALTER TABLE twin ADD COLUMN name text;\n");
        // twin-a and twin-b are two managed ids of the same physical database: two runners, one lock
        String a = request("twin-a", "apply", "{}");
        String b = request("twin-b", "apply", "{}");
        JsonPath ra = finished(a);
        JsonPath rb = finished(b);
        assertEquals("succeeded", ra.getString("status"), ra.prettify());
        assertEquals("succeeded", rb.getString("status"), rb.prettify());
        List<Object> appliedA = ra.getList("result.applied.version");
        List<Object> appliedB = rb.getList("result.applied.version");
        assertEquals(2, appliedA.size() + appliedB.size(), "each version applied once: " + appliedA + " / " + appliedB);
        assertTrue(appliedA.isEmpty() || appliedB.isEmpty(), "one runner applied everything");
        JsonPath idle = appliedA.isEmpty() ? ra : rb;
        assertTrue(idle.getString("reason").startsWith("nothing to apply"), idle.getString("reason"));
        assertEquals("2", idle.getString("result.to_version"));
        assertEquals(2L, value(postgres, "twin_target", "SELECT count(*) FROM flyway_schema_history WHERE success"));
        assertEquals(0L, value(postgres, "autopilot_state", "SELECT count(*) FROM automation.migration_lock"),
                "the lock is released");
    }

    @Test
    @Order(2)
    void aHeldLockMakesTheRunnerWaitAndADeadRunnersExpiredLeaseIsTakenOver() throws Exception {
        script("twin-a", "V1__slow_table.sql", "CREATE TABLE twin (id int);\nSELECT pg_sleep(3);\n");
        script("twin-a", "V2__twin_column.sql", "ALTER TABLE twin ADD COLUMN name text;\n");
        script("twin-a", "V3__twin_more.sql", "ALTER TABLE twin ADD COLUMN more text;\n");
        String key = flyways.lockKey("twin-b");
        postgres.execute("autopilot_state", "INSERT INTO automation.migration_lock (lock_key, database_id, owner, expires_at) "
                + "VALUES ('" + key + "', 'twin-b', 'ghost-runner', now() + interval '1 hour') "
                + "ON CONFLICT (lock_key) DO UPDATE SET owner = 'ghost-runner', expires_at = now() + interval '1 hour'");
        String op = request("twin-b", "apply", "{}");
        await().atMost(Duration.ofSeconds(60)).until(() -> reasons(postgres, op, "progress").stream()
                .anyMatch(r -> r.contains("waiting for the migration lock") && r.contains("ghost-runner")));
        assertFalse(columnExists("more"), "nothing runs while another runner holds the lock");
        // the ghost runner dies: it stops renewing, its lease expires
        postgres.execute("autopilot_state", "UPDATE automation.migration_lock SET expires_at = now() - interval '1 second' "
                + "WHERE owner = 'ghost-runner'");
        JsonPath done = finished(op);
        assertEquals("succeeded", done.getString("status"), done.prettify());
        assertTrue(columnExists("more"));
    }

    private boolean columnExists(String column) throws Exception {
        return value(postgres, "twin_target", "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('public.twin') "
                + "AND attname = ? AND NOT attisdropped", column).equals(1L);
    }

    @Test
    void aCreateIndexConcurrentlyMigrationCompletesAndAFailedOnesInvalidIndexIsDropped() throws Exception {
        assertFalse(MigrationFlyway.transactionalLock(flyways.flyway("cic", "test", null)),
                "Flyway's PostgreSQL lock is session-level (flyway.postgresql.transactional.lock=false)");
        script("cic", "V1__events.sql", "CREATE TABLE events (id bigint, kind text);\n"
                + "INSERT INTO events SELECT g, 'k' || (g % 10) FROM generate_series(1, 20000) g;\n");
        script("cic", "V2__events_kind_index.sql", "CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);\n");
        JsonPath ok = finished(request("cic", "apply", "{}"));
        assertEquals("succeeded", ok.getString("status"), ok.prettify());
        assertEquals(true, value(postgres, "cic_target", "SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass"));

        // a unique concurrent build over duplicate values fails and leaves an invalid index behind
        script("cic", "V3__events_kind_unique.sql", "CREATE UNIQUE INDEX CONCURRENTLY events_kind_uq ON events (kind);\n");
        JsonPath failed = finished(request("cic", "apply", "{}"));
        assertEquals("failed", failed.getString("status"));
        assertTrue(failed.getString("error").contains("migration 3"), failed.getString("error"));
        assertTrue(failed.getString("error").contains("schema stays at version 2"), failed.getString("error"));
        assertTrue(failed.getString("error").contains("never repairs"), failed.getString("error"));
        assertEquals(List.of("public.events_kind_uq"), failed.getList("result.invalid_indexes_dropped"));
        assertNull(value(postgres, "cic_target", "SELECT to_regclass('public.events_kind_uq')::text"), "the leftover is gone");
        assertEquals(0L, value(postgres, "cic_target", "SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
    }

    @Test
    void aCancelDuringThePreMigrationDumpEndsTheRunCancelledWithNothingAppliedAndNoDumpLeft() throws Exception {
        String db = "dumpcancel_target";
        postgres.createDatabase(db);
        postgres.execute(db, "CREATE TABLE orders (id int)", "INSERT INTO orders SELECT generate_series(1, 1000)");
        script("dumpcancel", "V1__after_the_dump.sql", "CREATE TABLE after_the_dump (id int);\n");
        // a session holding ACCESS EXCLUSIVE on orders makes pg_dump wait in LOCK TABLE … IN ACCESS SHARE MODE
        try (Connection locker = postgres.connect(db)) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            }
            String op = request("dumpcancel", "apply", "{}");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !dumpSessions(db, " AND wait_event_type = 'Lock'").isEmpty());

            Instant cancelled = Instant.now();
            operator().when().post("/api/operations/" + op + "/cancel").then().statusCode(202);
            JsonPath done = finished(op);
            Duration took = Duration.between(cancelled, Instant.now());

            assertEquals("cancelled", done.getString("status"), done.prettify());
            assertTrue(done.getString("reason").contains("pre-migration backup"), done.getString("reason"));
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "cancelled " + took + " after the request");
            assertNull(value(postgres, db, "SELECT to_regclass('public.after_the_dump')::text"), "nothing was applied");
            // the dump's session ended before the run did: no wait here, the lock is still held
            assertEquals(List.of(), dumpSessions(db, ""), "the dump's session is still on the server");
            assertEquals(List.of(), ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains("pg_dump")
                            && p.info().commandLine().orElse("").contains(db))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList(), "a pg_dump is still running");
            assertEquals(0L, value(postgres, "autopilot_state",
                    "SELECT count(*) FROM automation.migration_lock WHERE database_id = 'dumpcancel'"), "the lock is released");
            locker.rollback();
        }
    }

    /** pg_dump sessions on {@code db} (the catalog's pg_dump or the migration's own), matching {@code condition}. */
    private List<String> dumpSessions(String db, String condition) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = postgres.connect(db); PreparedStatement ps = c.prepareStatement("SELECT pid || ' ' || "
                + "application_name || ' ' || coalesce(wait_event_type, '-') FROM pg_stat_activity WHERE datname = ? "
                + "AND (application_name IN ('pg_dump', ?) OR application_name LIKE ?)" + condition)) {
            ps.setString(1, db);
            ps.setString(2, io.dbautopilot.automation.backup.engine.BackupTarget.TOOL_APPLICATION_NAME);
            ps.setString(3, PgDumpPreMigrationBackup.APPLICATION_NAME + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void pendingMigrationsArePublishedAsAMigrateRequestWaitingForApproval() throws Exception {
        // watch has V1 pending from the start (written by the profile); the periodic check runs every 2 s
        await().atMost(Duration.ofSeconds(60)).until(() -> value(postgres, "autopilot_state",
                "SELECT status FROM automation.operation WHERE triggering_event_id = 'migration_pending:watch:1'") != null);
        assertEquals("awaiting_approval", value(postgres, "autopilot_state",
                "SELECT status FROM automation.operation WHERE triggering_event_id = 'migration_pending:watch:1'"));
        assertEquals("migrations-pending", value(postgres, "autopilot_state",
                "SELECT rule FROM automation.operation WHERE triggering_event_id = 'migration_pending:watch:1'"));
        String opId = value(postgres, "autopilot_state",
                "SELECT id::text FROM automation.operation WHERE triggering_event_id = 'migration_pending:watch:1'").toString();
        // published on autopilot.operations.v1 as the operation's requested event
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> requested = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "migration-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(Topics.OPERATIONS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    String type = new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
                    JsonNode data = json.readTree(r.value());
                    if (type.equals("io.dbautopilot.operation.requested.v1") && data.path("operation_id").asText().equals(opId)) {
                        assertEquals("watch", r.key());
                        requested.add(data);
                    }
                }
                return !requested.isEmpty();
            });
        }
        assertTrue(requested.get(0).toString().contains("migration_pending"), requested.get(0).toString());
        // a second check finds the same pending version: no second request
        Thread.sleep(4500);
        assertEquals(1L, value(postgres, "autopilot_state",
                "SELECT count(*) FROM automation.operation WHERE target_id = 'watch' AND type = 'migrate'"));
        viewer().when().get("/api/migrations?database=watch").then().statusCode(200);
    }
}
