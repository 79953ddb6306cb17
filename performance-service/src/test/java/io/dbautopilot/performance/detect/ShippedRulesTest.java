package io.dbautopilot.performance.detect;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped rules (default-rules.yaml: metric, filters, guards, thresholds; {@code for} set to 0 so a test need not
 * wait minutes) on real conditions created on the throwaway cluster, evaluated on the service's real current values
 * of the {@code demo} target: lock waits and blocked sessions, deadlocks, temp file spill, rollbacks, sequence near
 * its maximum, unused and duplicate indexes, requested checkpoints.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ShippedRulesTest {

    @InjectInfra
    PostgresServer postgres;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricFamilies families;

    private LifecycleDriver shipped(String... names) throws Exception {
        List<String> wanted = List.of(names);
        List<Rule> rules = new ArrayList<>();
        for (Rule r : new RuleLoader(new MetricCatalog()).parse("default-rules.yaml", RuleLoaderTest.shipped()).forTarget("demo")) {
            if (wanted.contains(r.name())) {
                rules.add(new Rule(r.name(), r.expression(), r.labels(), r.guards(), r.comparison(), r.thresholds(),
                        r.resolve(), Duration.ZERO, Duration.ZERO, r.action(), r.object(), r.description(), r.enabled()));
            }
        }
        assertEquals(wanted.size(), rules.size(), "shipped rules " + wanted);
        LifecycleDriver d = new LifecycleDriver("demo", rules);
        d.familyOf = families::familyOf;
        d.cycle(latest.current("demo"), Instant.now());
        return d;
    }

    /** Evaluates the demo target's current values every 300 ms until {@code rule} opened for a matching object. */
    private static LifecycleDriver.Published awaitOpened(LifecycleDriver d, LatestSnapshots latest, String rule,
                                                         Predicate<String> object) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            d.cycle(latest.current("demo"), Instant.now());
            for (LifecycleDriver.Published p : d.published) {
                if (p.state() == AnomalyState.OPENED && p.record().rule().equals(rule) && object.test(p.record().object())) {
                    return p;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError(rule + " did not open within 60 s; published: " + d.published);
    }

    @Test
    void sessionsWaitingOnALockOpenLockWaitsAndBlockedSessions() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_locked", "CREATE TABLE rules_locked(id int)");
        LifecycleDriver d = shipped("lock_waits", "blocked_sessions");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Connection> waiters = new ArrayList<>();
        try (Connection holder = postgres.connect("demo_target")) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE rules_locked IN ACCESS EXCLUSIVE MODE");
            }
            List<Future<?>> waits = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Connection c = postgres.connect("demo_target");
                waiters.add(c);
                waits.add(pool.submit(() -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT count(*) FROM rules_locked");
                    }
                    return null;
                }));
            }
            LifecycleDriver.Published lw = awaitOpened(d, latest, "lock_waits", o -> true);
            assertTrue(lw.record().value() > 5, lw.record().evidence().toString());
            LifecycleDriver.Published blocked = awaitOpened(d, latest, "blocked_sessions", o -> true);
            assertTrue(blocked.record().value() >= 1);
            holder.rollback();
            for (Future<?> f : waits) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            for (Connection c : waiters) {
                c.close();
            }
        }
    }

    @Test
    void aRealDeadlockOpensDeadlocks() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_deadlock",
                "CREATE TABLE rules_deadlock(id int PRIMARY KEY, v int)", "INSERT INTO rules_deadlock VALUES (1, 0), (2, 0)");
        LifecycleDriver d = shipped("deadlocks");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection a = postgres.connect("demo_target"); Connection b = postgres.connect("demo_target")) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            a.createStatement().execute("UPDATE rules_deadlock SET v = 1 WHERE id = 1");
            b.createStatement().execute("UPDATE rules_deadlock SET v = 1 WHERE id = 2");
            Future<?> first = pool.submit(() -> {
                a.createStatement().execute("UPDATE rules_deadlock SET v = 2 WHERE id = 2");
                return null;
            });
            Thread.sleep(300);
            SQLException dead = null;
            try {
                b.createStatement().execute("UPDATE rules_deadlock SET v = 2 WHERE id = 1");
            } catch (SQLException e) {
                dead = e;
            }
            try {
                first.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                dead = (SQLException) e.getCause();
            }
            assertEquals("40P01", dead == null ? null : dead.getSQLState(), "one side is the deadlock victim");
            a.rollback();
            b.rollback();
        } finally {
            pool.shutdownNow();
        }
        LifecycleDriver.Published p = awaitOpened(d, latest, "deadlocks", "demo_target"::equals);
        assertTrue(p.record().value() > 0.0833, p.record().evidence().toString());
    }

    @Test
    void aSortSpillingToDiskOpensTempFileSpill() throws Exception {
        LifecycleDriver d = shipped("temp_file_spill");
        try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
            st.execute("SET work_mem = '64kB'");
            st.execute("SELECT count(*) FROM (SELECT g FROM generate_series(1, 6000000) g ORDER BY g DESC) s");
        }
        LifecycleDriver.Published p = awaitOpened(d, latest, "temp_file_spill", "demo_target"::equals);
        assertTrue(p.record().value() > 10 * 1024 * 1024, p.record().evidence().toString());
    }

    @Test
    void manyRollbacksOpenRollbackRatioHigh() throws Exception {
        LifecycleDriver d = shipped("rollback_ratio_high");
        try (Connection c = postgres.connect("demo_target")) {
            c.setAutoCommit(false);
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < end) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                }
                c.rollback();
            }
        }
        // The ratio is per collection interval: evaluate the interval of the burst.
        LifecycleDriver.Published p = awaitOpened(d, latest, "rollback_ratio_high", "demo_target"::equals);
        assertTrue(p.record().value() > 0.1, p.record().evidence().toString());
    }

    @Test
    void aSequenceNearItsMaximumOpensSequenceExhaustion() throws Exception {
        postgres.execute("demo_target", "DROP SEQUENCE IF EXISTS rules_seq", "CREATE SEQUENCE rules_seq MAXVALUE 1000",
                "SELECT setval('rules_seq', 990)");
        LifecycleDriver d = shipped("sequence_exhaustion");
        LifecycleDriver.Published p = awaitOpened(d, latest, "sequence_exhaustion", "demo_target.public.rules_seq"::equals);
        assertEquals(Severity.EMERGENCY, p.record().severity(), "99 % used");
    }

    @Test
    void anIndexNeverScannedAndADuplicateIndexOpenUnusedAndDuplicateIndex() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_idx", "CREATE TABLE rules_idx(a int, b int)",
                "CREATE INDEX rules_idx_a ON rules_idx(a)", "CREATE INDEX rules_idx_a_again ON rules_idx(a)");
        LifecycleDriver d = shipped("unused_index", "duplicate_index");
        awaitOpened(d, latest, "unused_index", o -> o != null && o.endsWith(".rules_idx_a"));
        awaitOpened(d, latest, "duplicate_index", o -> o != null && o.contains("rules_idx_a"));
    }

    @Test
    void checkpointsRequestedByCommandOpenCheckpointsRequested() throws Exception {
        for (int i = 0; i < 20; i++) {
            postgres.execute("demo_target", "CHECKPOINT");
        }
        LifecycleDriver d = shipped("checkpoints_requested");
        LifecycleDriver.Published p = awaitOpened(d, latest, "checkpoints_requested", o -> true);
        assertTrue(p.record().value() > 0.5, p.record().evidence().toString());
    }
}
