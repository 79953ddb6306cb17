package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static io.dbautopilot.performance.detect.rules.ShippedRulesTest.scaled;
import static io.dbautopilot.performance.detect.rules.ShippedRulesTest.shippedRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped rules whose conditions need a cluster other than the shared {@code demo} one (see
 * {@link RuleClustersTestResource}: {@code edge} with few connections, small shared_buffers and WAL archiving,
 * its streaming {@code standby}, and {@code bounce}, which is stopped and restarted), each on a real condition and
 * evaluated on the service's real current values of that target, {@code for} and cooldown set to 0.
 * Where a shipped threshold needs minutes, hours or gigabytes, the test keeps the rule's metric, labels, guards,
 * comparison and severity order and scales the thresholds down (each test says by how much) and checks that the
 * value the rule saw is the real one.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(RuleClustersTestResource.class)
class ShippedRulesOnOwnClustersTest {

    @InjectInfra
    RuleClustersTestResource.Clusters clusters;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricFamilies families;

    private LifecycleDriver driver(String target, Rule... rules) {
        LifecycleDriver d = new LifecycleDriver(target, List.of(rules));
        d.familyOf = families::familyOf;
        d.cycle(latest.current(target), Instant.now());
        return d;
    }

    /** Evaluates the target's current values every 300 ms until {@code rule} reached {@code state} for a matching object. */
    private LifecycleDriver.Published await(LifecycleDriver d, String target, String rule, AnomalyState state,
                                            Predicate<String> object) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            d.cycle(latest.current(target), Instant.now());
            for (LifecycleDriver.Published p : d.published) {
                if (p.state() == state && p.record().rule().equals(rule) && object.test(p.record().object())) {
                    return p;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError(rule + " was not " + state + " on " + target + " within 60 s; published: " + d.published);
    }

    private static double scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getDouble(1);
        }
    }

    private static double scalar(io.dbautopilot.localstack.postgres.PostgresServer pg, String sql) throws SQLException {
        try (Connection c = pg.connect("postgres")) {
            return scalar(c, sql);
        }
    }

    /**
     * connections_near_max at its shipped thresholds: edge has max_connections 20 (17 usable besides the 3 reserved
     * for superusers); the test opens sessions until 17 client backends exist.
     */
    @Test
    void sessionsUpToTheUsableMaximumOpenConnectionsNearMax() throws Exception {
        double usable = scalar(clusters.edge(), "SELECT current_setting('max_connections')::int "
                + "- current_setting('superuser_reserved_connections')::int");
        assertEquals(17.0, usable);
        List<Connection> held = new ArrayList<>();
        LifecycleDriver d;
        try {
            while (scalar(clusters.edge(), "SELECT count(*) FROM pg_stat_activity "
                    + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()") < usable) {
                held.add(clusters.edge().connect("postgres"));
            }
            // evaluate once the collector has seen them all (before, the rule would open at warning on the way up)
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> latest.current("edge").stream().anyMatch(p ->
                    p.name().equals("pg_connections_utilization_ratio") && p.value() >= 0.95));
            d = driver("edge", shippedRule("connections_near_max", "edge"));
            LifecycleDriver.Published p = await(d, "edge", "connections_near_max", AnomalyState.OPENED, o -> true);
            assertTrue(p.record().value() >= 0.95, p.record().evidence().toString());
            assertEquals(Severity.CRITICAL, p.record().severity());
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        await(d, "edge", "connections_near_max", AnomalyState.RESOLVED, o -> true);
    }

    /**
     * cache_hit_ratio_low at its shipped thresholds and guard (more than 5 transactions a second): repeated scans of a
     * 30 MB table on edge, whose 16 MB of shared buffers make large scans use a small ring and read from the OS.
     */
    @Test
    void scansOfATableLargerThanSharedBuffersOpenCacheHitRatioLow() throws Exception {
        clusters.edge().execute("postgres", "DROP TABLE IF EXISTS rules_cold",
                "CREATE TABLE rules_cold AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 120000) g");
        LifecycleDriver d = driver("edge", shippedRule("cache_hit_ratio_low", "edge"));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> {
                try (Connection c = clusters.edge().connect("postgres"); Statement st = c.createStatement()) {
                    while (!stop.get()) {
                        st.execute("SELECT count(*) FROM rules_cold");
                    }
                }
                return null;
            });
            LifecycleDriver.Published p = await(d, "edge", "cache_hit_ratio_low", AnomalyState.OPENED, "postgres"::equals);
            assertTrue(p.record().value() < 0.98, p.record().evidence().toString());
            assertTrue(p.record().evidence().get("pg_stat_database_tps") > 5, p.record().evidence().toString());
        } finally {
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /**
     * replication_lag (primary side, pg_stat_replication) and replica_lag (standby side) with thresholds scaled by
     * 1/15 (warning 2 s instead of 30 s): replay paused on the standby with pg_wal_replay_pause() while the primary
     * keeps committing; resumed at the end.
     */
    @Test
    void pausedReplayOpensReplicationLagOnThePrimaryAndReplicaLagOnTheStandby() throws Exception {
        clusters.edge().execute("postgres", "CREATE TABLE IF NOT EXISTS rules_repl(at timestamptz)",
                "INSERT INTO rules_repl VALUES (now())");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                scalar(clusters.standby(), "SELECT count(*) FROM pg_class WHERE relname = 'rules_repl'") == 1
                        && scalar(clusters.standby(), "SELECT count(*) FROM rules_repl") >= 1);
        LifecycleDriver primary = driver("edge", scaled(shippedRule("replication_lag", "edge"), 1.0 / 15, 1));
        LifecycleDriver replica = driver("standby", scaled(shippedRule("replica_lag", "standby"), 1.0 / 15, 1));
        clusters.standby().execute("postgres", "SELECT pg_wal_replay_pause()");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> {
                try (Connection c = clusters.edge().connect("postgres"); Statement st = c.createStatement()) {
                    while (!stop.get()) {
                        st.execute("INSERT INTO rules_repl VALUES (now())");
                        Thread.sleep(200);
                    }
                }
                return null;
            });
            LifecycleDriver.Published standbySide = await(replica, "standby", "replica_lag", AnomalyState.OPENED, o -> true);
            double lag = scalar(clusters.standby(), "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())");
            assertTrue(standbySide.record().value() > 2 && standbySide.record().value() <= lag + 0.5,
                    "rule saw " + standbySide.record().value() + " s, the standby replayed its last commit " + lag + " s ago");
            assertEquals(1.0, standbySide.record().evidence().get("pg_replication_is_replica"));
            LifecycleDriver.Published primarySide = await(primary, "edge", "replication_lag", AnomalyState.OPENED, o -> true);
            assertTrue(primarySide.record().value() > 2, primarySide.record().evidence().toString());
            assertEquals("walreceiver.127.0.0.1", primarySide.record().object(), "application_name.client_addr");
        } finally {
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            clusters.standby().execute("postgres", "SELECT pg_wal_replay_resume()");
        }
        await(replica, "standby", "replica_lag", AnomalyState.RESOLVED, o -> true);
    }

    /**
     * archiver_failing at its shipped threshold (any failure per second) and archive_stale scaled from a day to 3 s:
     * edge archives one segment, then its archive_command is switched to /bin/false and a segment switch makes the
     * archiver fail; the staleness the rule saw is measured from the real last_archived_time.
     */
    @Test
    void aFailingArchiveCommandOpensArchiverFailingAndArchiveStale() throws Exception {
        double archived = scalar(clusters.edge(), "SELECT archived_count FROM pg_stat_archiver");
        clusters.edge().execute("postgres", "CREATE TABLE IF NOT EXISTS rules_archive(v int)",
                "INSERT INTO rules_archive VALUES (1)", "SELECT pg_switch_wal()");
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> scalar(clusters.edge(), "SELECT archived_count FROM pg_stat_archiver") > archived);
        double now = scalar(clusters.edge(), "SELECT archived_count FROM pg_stat_archiver");
        // evaluate from the collection that saw this archive on (the staleness of older ones is not this test's)
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> latest.current("edge").stream().anyMatch(p ->
                p.name().equals("pg_stat_archiver_archived_count") && p.value() >= now));
        LifecycleDriver d = driver("edge", shippedRule("archiver_failing", "edge"),
                scaled(shippedRule("archive_stale", "edge"), 3.0 / 86400, 1));
        try {
            clusters.edge().execute("postgres", "ALTER SYSTEM SET archive_command = '/bin/false'", "SELECT pg_reload_conf()");
            Thread.sleep(500);
            clusters.edge().execute("postgres", "INSERT INTO rules_archive VALUES (2)", "SELECT pg_switch_wal()");
            LifecycleDriver.Published failing = await(d, "edge", "archiver_failing", AnomalyState.OPENED, o -> true);
            assertTrue(failing.record().value() > 0, failing.record().evidence().toString());
            assertTrue(failing.record().evidence().get("pg_stat_archiver_failed_count")
                    <= scalar(clusters.edge(), "SELECT failed_count FROM pg_stat_archiver"));
            LifecycleDriver.Published stale = await(d, "edge", "archive_stale", AnomalyState.OPENED, o -> true);
            double age = scalar(clusters.edge(), "SELECT extract(epoch FROM now() - last_archived_time) FROM pg_stat_archiver");
            assertTrue(stale.record().value() > 3 && stale.record().value() <= age + 0.5,
                    "rule saw " + stale.record().value() + " s, last archived " + age + " s ago");
            assertEquals("backup", stale.record().suggestedAction());
        } finally {
            clusters.edge().execute("postgres", "ALTER SYSTEM RESET archive_command", "SELECT pg_reload_conf()");
        }
    }

    /**
     * replication_slot_inactive with thresholds scaled by 1/1024 (1 MiB instead of 1 GiB; guard as shipped: the slot
     * is inactive) and replication_slot_wal_lost at its shipped threshold: a physical slot reserving WAL at once and
     * never consumed, then WAL switches and checkpoints past bounce's max_slot_wal_keep_size of 1 MB.
     */
    @Test
    void anUnconsumedSlotOpensReplicationSlotInactiveThenReplicationSlotWalLost() throws Exception {
        io.dbautopilot.localstack.postgres.PostgresServer pg = clusters.bounce();
        pg.execute("postgres", "SELECT pg_create_physical_replication_slot('rules_idle', true)",
                "CREATE TABLE IF NOT EXISTS rules_wal(v text)",
                "INSERT INTO rules_wal SELECT repeat('w', 100) FROM generate_series(1, 20000)", "SELECT pg_switch_wal()");
        LifecycleDriver d = driver("bounce", scaled(shippedRule("replication_slot_inactive", "bounce"), 1.0 / 1024, 1),
                shippedRule("replication_slot_wal_lost", "bounce"));
        LifecycleDriver.Published inactive = await(d, "bounce", "replication_slot_inactive", AnomalyState.OPENED,
                "rules_idle"::equals);
        double retained = scalar(pg, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots "
                + "WHERE slot_name = 'rules_idle'");
        assertTrue(inactive.record().value() > 1024 * 1024 && inactive.record().value() <= retained,
                "rule saw " + inactive.record().value() + " bytes retained, the slot retains " + retained);
        assertEquals(0.0, inactive.record().evidence().get("pg_replication_slot_active"));

        for (int i = 0; i < 20 && scalar(pg, "SELECT count(*) FROM pg_replication_slots "
                + "WHERE slot_name = 'rules_idle' AND wal_status = 'lost'") == 0; i++) {
            pg.execute("postgres", "INSERT INTO rules_wal VALUES ('more')", "SELECT pg_switch_wal()", "CHECKPOINT");
        }
        assertEquals(1.0, scalar(pg, "SELECT count(*) FROM pg_replication_slots WHERE wal_status = 'lost'"),
                "the slot lost WAL");
        LifecycleDriver.Published lost = await(d, "bounce", "replication_slot_wal_lost", AnomalyState.OPENED,
                "rules_idle"::equals);
        assertEquals(Severity.CRITICAL, lost.record().severity());
        pg.execute("postgres", "SELECT pg_drop_replication_slot('rules_idle')");
    }

    /**
     * pending_restart at its shipped threshold, target_down as shipped, and target_restarted with its threshold
     * scaled from 5 minutes to 10 s (so the cluster's own start does not count): ALTER SYSTEM of a postmaster
     * setting, then a real stop and start of bounce.
     */
    @Test
    void aPendingSettingThenAStopAndStartOpenPendingRestartTargetDownAndTargetRestarted() throws Exception {
        io.dbautopilot.localstack.postgres.PostgresServer pg = clusters.bounce();
        // bounce may have started seconds ago (with the test resource): then target_restarted is rightly open
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                scalar(pg, "SELECT extract(epoch FROM now() - pg_postmaster_start_time())") > 11);
        LifecycleDriver d = driver("bounce", shippedRule("pending_restart", "bounce"), shippedRule("target_down", "bounce"),
                scaled(shippedRule("target_restarted", "bounce"), 10.0 / 300, 1));
        pg.execute("postgres", "ALTER SYSTEM SET max_connections = 150", "SELECT pg_reload_conf()");
        LifecycleDriver.Published pending = await(d, "bounce", "pending_restart", AnomalyState.OPENED, o -> true);
        assertEquals(scalar(pg, "SELECT count(*) FROM pg_settings WHERE pending_restart"), pending.record().value());

        for (int i = 0; i < 5; i++) {
            d.cycle(latest.current("bounce"), Instant.now());
            Thread.sleep(300);
        }
        assertTrue(d.published.stream().noneMatch(p -> p.record().rule().equals("target_restarted")),
                "up for more than 10 s: " + d.published);
        try {
            pg.stop();
            LifecycleDriver.Published down = await(d, "bounce", "target_down", AnomalyState.OPENED, o -> true);
            assertEquals(0.0, down.record().evidence().get("pg_up"));
        } finally {
            pg.start();
        }
        Instant restarted = Instant.now();
        LifecycleDriver.Published up = await(d, "bounce", "target_restarted", AnomalyState.OPENED, o -> true);
        assertTrue(up.record().evidence().get("pg_postmaster_start_time_seconds") >= restarted.getEpochSecond() - 5,
                up.record().evidence().toString());
        assertTrue(up.record().value() < 10, up.record().evidence().toString());
        await(d, "bounce", "target_down", AnomalyState.RESOLVED, o -> true);
        await(d, "bounce", "pending_restart", AnomalyState.RESOLVED, o -> true);
        assertEquals(150.0, scalar(pg, "SELECT current_setting('max_connections')::int"));
    }

    /**
     * archive_stale with its threshold scaled from a day to 3 s where archiving is enabled but nothing was ever
     * archived: the standby has archive_mode always and an empty archive_command (PostgreSQL keeps the WAL and counts
     * no failure, so archiver_failing stays silent); the staleness counts from the archiver statistics' start.
     */
    @Test
    void archivingEnabledButNeverDoneOpensArchiveStale() throws Exception {
        LifecycleDriver d = driver("standby", scaled(shippedRule("archive_stale", "standby"), 3.0 / 86400, 1));
        LifecycleDriver.Published p = await(d, "standby", "archive_stale", AnomalyState.OPENED, o -> true);
        assertEquals(0.0, scalar(clusters.standby(), "SELECT archived_count + failed_count FROM pg_stat_archiver"));
        double since = scalar(clusters.standby(), "SELECT extract(epoch FROM now() - "
                + "coalesce(stats_reset, pg_postmaster_start_time())) FROM pg_stat_archiver");
        assertTrue(p.record().value() > 3 && p.record().value() <= since + 0.5 && p.record().value() >= since - 30,
                "rule saw " + p.record().value() + " s, the archiver statistics began " + since + " s ago");
        assertEquals(1.0, p.record().evidence().get("pg_stat_archiver_enabled"));
    }
}
