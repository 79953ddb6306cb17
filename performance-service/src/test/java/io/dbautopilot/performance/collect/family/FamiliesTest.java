package io.dbautopilot.performance.collect.family;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.family;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each family against conditions created on a real cluster, read back from the running service's latest snapshot
 * of target {@code demo} (database demo_target).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class FamiliesTest {

    private static final String DB = "demo_target";

    @InjectInfra
    PostgresServer postgres;

    @Test
    void deletingRowsRaisesDeadTuplesAndTheirRatio() throws Exception {
        exec(DB, "CREATE TABLE dead_probe (id int, pad text) WITH (autovacuum_enabled = false)",
                "INSERT INTO dead_probe SELECT g, 'x' FROM generate_series(1, 1000) g",
                "DELETE FROM dead_probe WHERE id <= 600");
        MetricSnapshot s = await("demo", Instant.now(),
                x -> value(x, "pg_stat_user_tables_n_dead_tup", "datname", DB, "relname", "dead_probe").orElse(0) == 600);
        assertEquals(600, value(s, "pg_stat_user_tables_n_dead_tup", "datname", DB, "relname", "dead_probe").orElseThrow());
        assertEquals(400, value(s, "pg_stat_user_tables_n_live_tup", "datname", DB, "relname", "dead_probe").orElseThrow());
        assertEquals(0.6, value(s, "pg_stat_user_tables_dead_tuple_ratio", "relname", "dead_probe").orElseThrow(), 1e-9);
        assertEquals(1000, value(s, "pg_stat_user_tables_n_tup_ins", "relname", "dead_probe").orElseThrow());
        assertEquals(600, value(s, "pg_stat_user_tables_n_tup_del", "relname", "dead_probe").orElseThrow());
        assertTrue(value(s, "pg_stat_user_tables_table_size_bytes", "relname", "dead_probe").orElseThrow() >= 8192);
        assertEquals(0, value(s, "pg_stat_user_tables_last_vacuum", "relname", "dead_probe").orElseThrow(),
                "never vacuumed is 0");
    }

    @Test
    void cachedSizesAreReReadWhenTheTableOrItsIndexesChange() throws Exception {
        exec(DB, "CREATE TABLE size_probe (id int, pad text)",
                "INSERT INTO size_probe SELECT g, repeat('x', 100) FROM generate_series(1, 100) g");
        MetricSnapshot first = await("demo", Instant.now(), x ->
                value(x, "pg_stat_user_tables_table_size_bytes", "datname", DB, "relname", "size_probe").isPresent()
                        && value(x, "pg_relation_cache_reused", "datname", DB, "cache", "table_sizes").orElse(0) > 0);
        double table = value(first, "pg_stat_user_tables_table_size_bytes", "datname", DB, "relname", "size_probe").orElseThrow();
        assertEquals(0, value(first, "pg_stat_user_tables_index_size_bytes", "datname", DB, "relname", "size_probe").orElseThrow());

        exec(DB, "INSERT INTO size_probe SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g");
        await("demo", Instant.now(), x -> value(x, "pg_stat_user_tables_table_size_bytes", "datname", DB,
                "relname", "size_probe").orElse(0) > table);
        exec(DB, "CREATE INDEX size_probe_id ON size_probe (id)");
        MetricSnapshot indexed = await("demo", Instant.now(), x -> value(x, "pg_stat_user_tables_index_size_bytes",
                "datname", DB, "relname", "size_probe").orElse(0) > 0
                && value(x, "pg_stat_user_indexes_size_bytes", "datname", DB, "indexrelname", "size_probe_id").orElse(0) > 0);
        assertEquals(value(indexed, "pg_stat_user_indexes_size_bytes", "datname", DB, "indexrelname", "size_probe_id").orElseThrow(),
                value(indexed, "pg_stat_user_tables_index_size_bytes", "datname", DB, "relname", "size_probe").orElseThrow(),
                "the table's only index is all of its index size");
    }

    @Test
    void cachedDatabaseSizesAreReusedWhileQuietAndReReadWhenRowsChange() throws Exception {
        MetricSnapshot quiet = await("demo", Instant.now(), x ->
                value(x, "pg_database_size_bytes", "datname", DB).isPresent()
                        && value(x, "pg_relation_cache_reused", "cache", "database_sizes").orElse(0) > 0);
        double before = value(quiet, "pg_database_size_bytes", "datname", DB).orElseThrow();

        exec(DB, "CREATE TABLE db_size_probe (id int, pad text)",
                "INSERT INTO db_size_probe SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        MetricSnapshot grown = await("demo", Instant.now(), x ->
                value(x, "pg_database_size_bytes", "datname", DB).orElse(0) >= before + 4_000_000);
        double reported = value(grown, "pg_database_size_bytes", "datname", DB).orElseThrow();
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT pg_database_size(current_database())")) {
            r.next();
            assertEquals(r.getLong(1), reported, 1_048_576, "the re-read size is the server's (give or take maps)");
        }
        exec(DB, "DROP TABLE db_size_probe");
    }

    @Test
    void unusedDuplicateAndInvalidIndexesAreReported() throws Exception {
        exec(DB, "CREATE TABLE idx_probe (id int PRIMARY KEY, a int, b int)",
                "INSERT INTO idx_probe SELECT g, g % 100, g FROM generate_series(1, 5000) g",
                "CREATE INDEX idx_probe_a ON idx_probe (a)",
                "CREATE INDEX idx_probe_a_copy ON idx_probe (a)",
                "CREATE INDEX idx_probe_b ON idx_probe (b)",
                "ANALYZE idx_probe");
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement()) {
            try {
                st.execute("CREATE UNIQUE INDEX CONCURRENTLY idx_probe_a_unique ON idx_probe (a)");
            } catch (java.sql.SQLException expected) {
                // duplicate values: the concurrent build fails and leaves an invalid index behind
            }
            st.execute("SET enable_seqscan = off");
            st.execute("SELECT count(*) FROM idx_probe WHERE b = 42");
        }
        MetricSnapshot s = await("demo", Instant.now(), x -> value(x, "pg_index_invalid", "datname", DB,
                "indexrelname", "idx_probe_a_unique").isPresent()
                && value(x, "pg_stat_user_indexes_idx_scan", "indexrelname", "idx_probe_b").orElse(0) > 0);
        assertEquals(1, value(s, "pg_index_unused", "datname", DB, "indexrelname", "idx_probe_a").orElseThrow());
        assertEquals(1, value(s, "pg_index_duplicate", "datname", DB, "indexrelname", "idx_probe_a").orElseThrow());
        assertEquals(1, value(s, "pg_index_duplicate", "datname", DB, "indexrelname", "idx_probe_a_copy").orElseThrow());
        assertTrue(value(s, "pg_index_duplicate", "indexrelname", "idx_probe_b").isEmpty(), "b is not a copy");
        assertTrue(value(s, "pg_index_unused", "indexrelname", "idx_probe_b").isEmpty(), "b was scanned");
        assertTrue(value(s, "pg_index_unused", "indexrelname", "idx_probe_pkey").isEmpty(),
                "a primary key is never 'unused'");
        assertEquals(0, value(s, "pg_stat_user_indexes_valid", "indexrelname", "idx_probe_a_unique").orElseThrow());
        assertTrue(value(s, "pg_indexes_invalid_count", "datname", DB).orElseThrow() >= 1);
        assertTrue(value(s, "pg_stat_user_indexes_size_bytes", "indexrelname", "idx_probe_a").orElseThrow() > 8192);
        exec(DB, "DROP INDEX idx_probe_a_unique");
    }

    @Test
    void aMassUpdateRaisesEstimatedTableAndIndexBloat() throws Exception {
        exec(DB, "CREATE TABLE bloat_probe (id int PRIMARY KEY, v int, pad text) WITH (autovacuum_enabled = false)",
                "INSERT INTO bloat_probe SELECT g, g, repeat('x', 50) FROM generate_series(1, 20000) g",
                "CREATE INDEX bloat_probe_v ON bloat_probe (v)",
                "ANALYZE bloat_probe");
        MetricSnapshot before = await("demo", Instant.now(),
                x -> value(x, "pg_table_bloat_ratio", "datname", DB, "relname", "bloat_probe").isPresent()
                        && value(x, "pg_index_bloat_ratio", "indexrelname", "bloat_probe_v").isPresent());
        double tableBefore = value(before, "pg_table_bloat_ratio", "relname", "bloat_probe").orElseThrow();
        double indexBefore = value(before, "pg_index_bloat_ratio", "indexrelname", "bloat_probe_v").orElseThrow();
        assertTrue(tableBefore < 0.2, "a freshly loaded table is not bloated: " + tableBefore);
        assertTrue(indexBefore < 0.3, "a freshly built index is not bloated: " + indexBefore);

        exec(DB, "UPDATE bloat_probe SET v = v + 1", "ANALYZE bloat_probe");
        MetricSnapshot after = await("demo", Instant.now(),
                x -> value(x, "pg_table_bloat_ratio", "relname", "bloat_probe").orElse(0) > tableBefore + 0.3);
        double indexAfter = value(after, "pg_index_bloat_ratio", "indexrelname", "bloat_probe_v").orElseThrow();
        assertTrue(indexAfter > indexBefore + 0.2, "index bloat " + indexBefore + " -> " + indexAfter);
        assertTrue(value(after, "pg_table_bloat_bytes", "relname", "bloat_probe").orElseThrow() > 1_000_000);
    }

    /**
     * A run between a VACUUM and the ANALYZE that follows it sees the table without column statistics; the ANALYZE
     * leaves reltuples and relpages exactly as the VACUUM set them (the stats key does not move), and the estimate
     * must still appear on the next run rather than after the cache's maximum age (1 h).
     */
    @Test
    void statisticsThatArriveWithoutMovingTheCountsAreReadOnTheNextRun() throws Exception {
        exec(DB, "CREATE TABLE bloat_late (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)",
                "INSERT INTO bloat_late SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g",
                "DELETE FROM bloat_late WHERE id % 5 <> 0", "VACUUM bloat_late");
        String counts = "SELECT reltuples * 1000000 + relpages FROM pg_class WHERE relname = 'bloat_late'";
        double vacuumed = query(DB, counts);
        Instant listed = Instant.now();
        MetricSnapshot without = await("demo", listed,
                x -> value(x, "pg_bloat_unestimated_relations", "datname", DB).orElse(0) >= 1);
        assertTrue(value(without, "pg_table_bloat_ratio", "relname", "bloat_late").isEmpty(),
                "no estimate without column statistics");
        // one more run after the first that listed it, so the incomplete statistics were surely read and kept
        await("demo", Instant.now(), x -> value(x, "pg_bloat_unestimated_relations", "datname", DB).isPresent());

        exec(DB, "ANALYZE bloat_late");
        assertEquals(vacuumed, query(DB, counts), "ANALYZE left reltuples and relpages as VACUUM set them");
        MetricSnapshot with = await("demo", Instant.now(),
                x -> value(x, "pg_table_bloat_ratio", "relname", "bloat_late").isPresent());
        assertTrue(value(with, "pg_table_bloat_ratio", "relname", "bloat_late").orElseThrow() > 0.6,
                "four rows in five deleted: " + value(with, "pg_table_bloat_ratio", "relname", "bloat_late"));
        exec(DB, "DROP TABLE bloat_late");
    }

    @Test
    void aSecondDatabaseIsVisitedWithoutRestart() throws Exception {
        postgres.createDatabase("late_db");
        exec("late_db", "CREATE TABLE late_table (id int)", "INSERT INTO late_table SELECT generate_series(1, 77)");
        MetricSnapshot s = await("demo", Instant.now(),
                x -> value(x, "pg_stat_user_tables_n_tup_ins", "datname", "late_db", "relname", "late_table").orElse(0) == 77);
        assertEquals(77, value(s, "pg_stat_user_tables_n_live_tup", "datname", "late_db", "relname", "late_table").orElseThrow());
        assertTrue(value(s, "pg_stat_user_tables_n_live_tup", "datname", "metrics_probe").isEmpty(),
                "excluded databases are not visited");
    }

    @Test
    void idleInTransactionBlockedSessionsAndLocksAreCounted() throws Exception {
        exec(DB, "CREATE TABLE lock_probe (id int)");
        // Its size is read (and cached) before the lock: a relation is never opened while locked, but its cached size
        // stays reported, so the test pins the cache state instead of racing the family's schedule.
        MetricSnapshot before = await("demo", Instant.now(),
                x -> value(x, "pg_stat_user_tables_table_size_bytes", "relname", "lock_probe").isPresent());
        double sizeBeforeLock = value(before, "pg_stat_user_tables_table_size_bytes", "relname", "lock_probe").orElseThrow();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection idle = postgres.connect(DB); Connection holder = postgres.connect(DB);
             Connection waiter = postgres.connect(DB)) {
            idle.setAutoCommit(false);
            idle.createStatement().execute("SELECT 1");
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE lock_probe IN ACCESS EXCLUSIVE MODE");
            Future<?> blocked = pool.submit(() -> {
                try (Statement st = waiter.createStatement()) {
                    st.execute("SELECT count(*) FROM lock_probe");
                }
                return null;
            });
            Thread.sleep(2_000);
            MetricSnapshot s = await("demo", Instant.now(),
                    x -> value(x, "pg_stat_activity_blocked_count").orElse(0) >= 1
                            && family(x, "table_sizes").isPresent());
            assertTrue(value(s, "pg_stat_activity_idle_in_transaction_count").orElseThrow() >= 2,
                    "the idle session and the lock holder are idle in transaction");
            assertTrue(value(s, "pg_stat_activity_idle_in_transaction_max_age_seconds").orElseThrow() >= 2);
            assertTrue(value(s, "pg_stat_activity_max_tx_duration_seconds").orElseThrow() >= 2);
            assertTrue(value(s, "pg_locks_waiting", "mode", "AccessShareLock").orElseThrow() >= 1);
            assertTrue(value(s, "pg_locks_count", "datname", DB, "mode", "AccessExclusiveLock").orElseThrow() >= 1);
            assertTrue(value(s, "pg_stat_activity_active_by_wait_event_type", "wait_event_type", "Lock").orElseThrow() >= 1);
            assertTrue(value(s, "pg_connections_utilization_ratio").orElseThrow() > 0);
            assertEquals(FamilyStatus.RAN, family(s, "table_sizes").orElseThrow().status(),
                    "an exclusively locked table does not stall the table_sizes family");
            assertEquals(sizeBeforeLock, value(s, "pg_stat_user_tables_table_size_bytes", "relname", "lock_probe")
                    .orElseThrow(), "while exclusively locked its size is not read again: the cached one is reported");
            holder.rollback();
            blocked.get();
            idle.rollback();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void slowStatementsAreFlaggedWithIntervalDeltas() throws Exception {
        exec(DB, "SELECT pg_sleep(0.15)");
        MetricSnapshot first = await("demo", Instant.now(), x -> value(x, "pg_stat_statements_slow_count").orElse(0) >= 1);
        assertEquals(FamilyStatus.RAN, family(first, "statements").orElseThrow().status());
        assertTrue(first.points().stream().anyMatch(p -> p.name().equals("pg_stat_statements_slow")
                && p.value() == 1 && p.labels().get("datname").equals(DB)), "the pg_sleep statement is flagged slow");
        exec(DB, "SELECT 42 AS answer", "SELECT 42 AS answer", "SELECT 42 AS answer");
        MetricSnapshot later = await("demo", Instant.now(),
                x -> value(x, "pg_stat_statements_all_interval_calls").orElse(0) > 0);
        assertTrue(value(later, "pg_stat_statements_tracked").orElseThrow() > 0);
        assertTrue(later.points().stream().anyMatch(p -> p.name().equals("pg_stat_statements_interval_calls")));
    }

    @Test
    void statementsAreUnavailableWithoutTheExtensionAndSaySo() {
        MetricSnapshot s = await("plain", Instant.now(), x -> family(x, "statements").isPresent());
        var statements = family(s, "statements").orElseThrow();
        assertEquals(FamilyStatus.UNAVAILABLE, statements.status());
        assertTrue(statements.detail().contains("pg_stat_statements not installed"), statements.detail());
        assertFalse(s.errors().containsKey("statements"), "unavailable is not an error");
    }

    @Test
    void anInactiveReplicationSlotShowsTheWalItRetains() throws Exception {
        exec(DB, "SELECT pg_create_physical_replication_slot('probe_slot', true)");
        try {
            exec(DB, "CREATE TABLE wal_probe AS SELECT generate_series(1, 10000) AS id");
            MetricSnapshot s = await("demo", Instant.now(),
                    x -> value(x, "pg_replication_slot_retained_wal_bytes", "slot_name", "probe_slot").orElse(0) > 100_000);
            assertEquals(0, value(s, "pg_replication_slot_active", "slot_name", "probe_slot").orElseThrow());
            assertTrue(value(s, "pg_replication_slots_inactive").orElseThrow() >= 1);
            assertEquals(0, value(s, "pg_replication_is_replica").orElseThrow());
            assertTrue(value(s, "pg_wal_lsn_bytes").orElseThrow() > 0);
            assertTrue(value(s, "pg_stat_wal_records").orElseThrow() > 0);
        } finally {
            exec(DB, "SELECT pg_drop_replication_slot('probe_slot')");
        }
    }

    @Test
    void wraparoundAgesMatchTheCatalog() throws Exception {
        MetricSnapshot s = await("demo", Instant.now(), x -> value(x, "pg_database_xid_age", "datname", DB).isPresent()
                && value(x, "pg_table_xid_age", "datname", DB).isPresent());
        double reported = value(s, "pg_database_xid_age", "datname", DB).orElseThrow();
        double actual = query(DB, "SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()");
        assertTrue(reported > 0 && reported <= actual, reported + " vs " + actual);
        assertTrue(value(s, "pg_database_xid_age", "datname", "template0").isPresent(), "template0 ages too");
        assertTrue(value(s, "pg_database_xid_wraparound_ratio", "datname", DB).orElseThrow() < 0.01);
    }

    @Test
    void aSequenceOwnedByAnIntegerColumnRunsOutAtTheColumnMaximum() throws Exception {
        exec(DB, "CREATE SEQUENCE seq_probe_id AS bigint",
                "CREATE TABLE seq_probe (id int DEFAULT nextval('seq_probe_id'))",
                "ALTER SEQUENCE seq_probe_id OWNED BY seq_probe.id",
                "SELECT setval('seq_probe_id', 2000000000)");
        MetricSnapshot s = await("demo", Instant.now(),
                x -> value(x, "pg_sequence_used_ratio", "datname", DB, "sequencename", "seq_probe_id").isPresent());
        assertEquals(2_000_000_000.0 / 2_147_483_647.0,
                value(s, "pg_sequence_used_ratio", "sequencename", "seq_probe_id").orElseThrow(), 1e-6);
        assertEquals(147_483_647, value(s, "pg_sequence_remaining_values", "sequencename", "seq_probe_id").orElseThrow());
    }

    @Test
    void settingsAreInBaseUnits() throws Exception {
        MetricSnapshot s = await("demo", Instant.now(), x -> family(x, "settings").isPresent());
        assertEquals(query(DB, "SELECT setting::float8 * 8192 FROM pg_settings WHERE name = 'shared_buffers'"),
                value(s, "pg_settings_shared_buffers_bytes").orElseThrow());
        assertEquals(query(DB, "SELECT setting::float8 FROM pg_settings WHERE name = 'checkpoint_timeout'"),
                value(s, "pg_settings_checkpoint_timeout_seconds").orElseThrow());
        assertEquals(200, value(s, "pg_settings_max_connections").orElseThrow());
    }

    @Test
    void securityFactsMatchTheServer() throws Exception {
        exec(DB, "GRANT CREATE ON SCHEMA public TO PUBLIC");
        MetricSnapshot s = await("demo", Instant.now(),
                x -> value(x, "pg_security_public_create_schema", "datname", DB, "schemaname", "public").isPresent()
                        && family(x, "security").isPresent());
        assertEquals(query(DB, "SELECT count(*) FROM pg_roles WHERE rolsuper AND rolcanlogin"),
                value(s, "pg_security_superusers").orElseThrow());
        assertEquals(1, value(s, "pg_security_hba_readable").orElseThrow(), "the test role is a superuser");
        assertEquals(query(DB, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'"),
                value(s, "pg_security_hba_trust_rules").orElseThrow());
        assertEquals(query(DB, "SELECT (current_setting('ssl') = 'on')::int"),
                value(s, "pg_security_ssl_enabled").orElseThrow());
        exec(DB, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    }

    @Test
    void ratesAreDerivedFromCounterDeltas() throws Exception {
        exec(DB, "CREATE TABLE IF NOT EXISTS rate_probe (id int)");
        MetricSnapshot s = await("demo", Instant.now(),
                x -> value(x, "pg_stat_database_tps", "datname", DB).orElse(0) > 0
                        && value(x, "pg_stat_database_cache_hit_ratio", "datname", DB).isPresent());
        double ratio = value(s, "pg_stat_database_cache_hit_ratio", "datname", DB).orElseThrow();
        assertTrue(ratio >= 0 && ratio <= 1, "cache hit ratio " + ratio);
        assertTrue(value(s, "pg_wal_bytes_per_second").isPresent());
    }

    @Test
    void hostMetricsComeFromThisMachine() throws Exception {
        MetricSnapshot s = await("demo", Instant.now(), x -> value(x, "host_cpu_user_ratio").isPresent());
        long memTotalKb = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
        assertEquals(memTotalKb * 1024.0, value(s, "host_memory_total_bytes").orElseThrow());
        assertTrue(value(s, "host_data_directory_filesystem_free_bytes").orElseThrow() > 0,
                "the data directory's filesystem is found");
        double idle = value(s, "host_cpu_idle_ratio").orElseThrow();
        assertTrue(idle >= 0 && idle <= 1);
    }

    private void exec(String db, String... statements) throws Exception {
        try (Connection c = postgres.connect(db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } // closing the backend flushes its statistics
    }

    private double query(String db, String sql) throws Exception {
        try (Connection c = postgres.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getDouble(1);
        }
    }
}
