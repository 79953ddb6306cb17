package io.dbautopilot.performance.detect.rules;

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
 * its maximum, invalid, unused and duplicate indexes, requested checkpoints, long transaction, long-running query, slow
 * statements, dead tuples, idle in transaction, table not vacuumed / not analyzed, table and index bloat, XID and
 * multixact age (tables and database), pg_hba trust rules. Where a shipped threshold needs minutes, days, gigabytes or billions, a test keeps the rule's
 * metric, labels, guards, comparison and severity order, scales the thresholds (or a size guard) down - its Javadoc
 * says by how much - and checks that the value the rule saw is the real one. Rules needing a differently configured
 * cluster are in {@link ShippedRulesOnOwnClustersTest}; host rules in {@link HostRulesTest}.
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
        List<Rule> rules = new ArrayList<>();
        for (String name : names) {
            rules.add(shippedRule(name));
        }
        return driver(rules);
    }

    private LifecycleDriver driver(List<Rule> rules) {
        LifecycleDriver d = new LifecycleDriver("demo", rules);
        d.familyOf = families::familyOf;
        d.cycle(latest.current("demo"), Instant.now());
        return d;
    }

    /** A shipped rule as resolved for {@code target}, with {@code for} and cooldown set to 0. */
    static Rule shippedRule(String name, String target) throws Exception {
        for (Rule r : new RuleLoader(new MetricCatalog()).parse("default-rules.yaml", RuleLoaderTest.shipped()).forTarget(target)) {
            if (r.name().equals(name)) {
                return new Rule(r.name(), r.expression(), r.labels(), r.guards(), r.comparison(), r.thresholds(),
                        r.resolve(), Duration.ZERO, Duration.ZERO, r.action(), r.object(), r.description(), r.enabled());
            }
        }
        throw new AssertionError("no shipped rule " + name);
    }

    static Rule shippedRule(String name) throws Exception {
        return shippedRule(name, "demo");
    }

    /**
     * A shipped rule with its thresholds (and resolve bound) multiplied by {@code factor} - same metric, labels,
     * comparison and severity order - and, if {@code guardFactor} is not 1, its guards' bounds multiplied by it.
     */
    static Rule scaled(Rule r, double factor, double guardFactor) {
        java.util.NavigableMap<Severity, Double> thresholds = new java.util.TreeMap<>();
        r.thresholds().forEach((s, v) -> thresholds.put(s, v * factor));
        List<Guard> guards = r.guards().stream()
                .map(g -> new Guard(g.metric(), g.comparison(), g.value() * guardFactor)).toList();
        return new Rule(r.name(), r.expression(), r.labels(), guards, r.comparison(), thresholds, r.resolve() * factor,
                r.forDuration(), r.cooldown(), r.action(), r.object(), r.description(), r.enabled());
    }

    /** A workload that repeats while {@code going} says so; how often it produced its condition. */
    interface Workload {
        int run(java.util.function.BooleanSupplier going) throws Exception;
    }

    /**
     * Runs {@code workload} on a thread of its own (at most 70 s) while {@code evaluation} runs, then fails unless it
     * produced its condition at least once: rules on per-interval values (ratios, rates) see only cycles begun after
     * the evaluation started, so a condition made once before it can fall outside every interval that counts.
     */
    private static <T> T whileRepeating(String what, Workload workload, java.util.concurrent.Callable<T> evaluation)
            throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        long end = System.nanoTime() + Duration.ofSeconds(70).toNanos();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> made = pool.submit(() -> workload.run(() -> !stop.get() && System.nanoTime() < end));
            T result;
            try {
                result = evaluation.call();
            } finally {
                stop.set(true);
            }
            assertTrue(made.get(60, TimeUnit.SECONDS) > 0, what);
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Evaluates the demo target's current values every 300 ms until {@code rule} opened for a matching object; only
     * values of cycles that began after the call count (an earlier cycle may still show a previous test's sessions).
     */
    private static LifecycleDriver.Published awaitOpened(LifecycleDriver d, LatestSnapshots latest, String rule,
                                                         Predicate<String> object) throws InterruptedException {
        Instant since = Instant.now();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (latest.latest("demo").filter(s -> s.collectedAt().isAfter(since)).isEmpty()) {
                Thread.sleep(300);
                continue;
            }
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
        // rate(deadlocks) is per evaluated interval and only cycles begun after awaitOpened was called count: real
        // deadlocks go on while it evaluates (one before it could fall outside every counted interval)
        LifecycleDriver.Published p = whileRepeating("the workload ran into real deadlocks", going -> {
            int n = 0;
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                while (going.getAsBoolean()) {
                    n += "40P01".equals(deadlock(other)) ? 1 : 0;
                }
            } finally {
                other.shutdownNow();
            }
            return n;
        }, () -> awaitOpened(d, latest, "deadlocks", "demo_target"::equals));
        assertTrue(p.record().value() > 0.0833, p.record().evidence().toString());
    }

    /** The three oldest open transactions other than {@code pid}'s (who else a server-wide maximum may have seen). */
    private String longestOtherTransactions(int pid) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT application_name, datname, state, "
                     + "extract(epoch FROM now() - xact_start)::float8 AS age, left(query, 60) AS query "
                     + "FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND pid <> " + pid
                     + " AND backend_type = 'client backend' ORDER BY xact_start LIMIT 3")) {
            while (rs.next()) {
                out.append(String.format(java.util.Locale.ROOT, "[%s %s %s %.1f s: %s] ", rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getString(5)));
            }
        }
        return out.toString();
    }

    /** Two sessions updating two rows in opposite orders; the SQLSTATE of the victim's error (40P01), or null. */
    private String deadlock(ExecutorService pool) throws Exception {
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
            a.rollback();
            b.rollback();
            return dead == null ? null : dead.getSQLState();
        }
    }

    @Test
    void aSortSpillingToDiskOpensTempFileSpill() throws Exception {
        LifecycleDriver d = shipped("temp_file_spill");
        // the rate is per evaluated interval and only cycles that began after awaitOpened was called count: the sorts
        // spill again and again while it evaluates (one sort before it left those intervals without a spill when a
        // loaded CI machine started the first counted cycle after the sort's statistics were flushed)
        LifecycleDriver.Published p = whileRepeating("the workload sorted on disk", going -> {
            int n = 0;
            try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
                st.execute("SET work_mem = '64kB'");
                while (going.getAsBoolean()) {
                    // wide rows: hundreds of MB spilled for few comparisons, so the spill rate stays high on a busy
                    // machine (the outer query reads pad, so the planner cannot drop it from the sorted rows)
                    st.execute("SELECT sum(length(pad)) FROM (SELECT g, repeat('x', 1000) AS pad "
                            + "FROM generate_series(1, 300000) g ORDER BY g DESC) s");
                    n++;
                }
            }
            return n;
        }, () -> awaitOpened(d, latest, "temp_file_spill", "demo_target"::equals));
        assertTrue(p.record().value() > 10 * 1024 * 1024, p.record().evidence().toString());
    }

    @Test
    void manyRollbacksOpenRollbackRatioHigh() throws Exception {
        LifecycleDriver d = shipped("rollback_ratio_high");
        // The ratio is per collection interval, and only cycles that began after awaitOpened was called count: the
        // rollbacks go on while it evaluates (a burst that ended before it left those cycles' intervals without any,
        // and the test then depended on one cycle straddling the burst's end)
        LifecycleDriver.Published p = whileRepeating("the workload rolled back transactions", going -> {
            int n = 0;
            try (Connection c = postgres.connect("demo_target")) {
                c.setAutoCommit(false);
                while (going.getAsBoolean()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT 1");
                    }
                    c.rollback();
                    n++;
                }
            }
            return n;
        }, () -> awaitOpened(d, latest, "rollback_ratio_high", "demo_target"::equals));
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

    /** One number from a query on the demo cluster. */
    private double scalar(String database, String sql) throws SQLException {
        try (Connection c = postgres.connect(database); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getDouble(1);
        }
    }

    /** Waits until the demo target's current values hold {@code metric} for {@code object} with a value passing {@code test}. */
    private void awaitCollected(String metric, java.util.Map<String, String> labels,
                                java.util.function.DoublePredicate test) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> latest.current("demo").stream().anyMatch(p -> p.name().equals(metric)
                        && p.labels().entrySet().containsAll(labels.entrySet()) && test.test(p.value())));
    }

    /**
     * long_transaction with its thresholds scaled by 1/60 (warning 2 s instead of 2 min): a real transaction held
     * open; the value the rule saw is that transaction's age as pg_stat_activity reports it.
     */
    @Test
    void aTransactionHeldOpenOpensLongTransaction() throws Exception {
        try (Connection holder = postgres.connect("demo_target")) {
            holder.setAutoCommit(false);
            int pid;
            try (Statement st = holder.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT pg_backend_pid(), txid_current()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // the metric is the server's longest transaction: a statement of the previous test (a sort or a sleep of
            // a few seconds) can open the rule first; then a fresh rule state evaluates again while ours grows older
            // (at most 3 times), and the last opening must carry this transaction's age
            LifecycleDriver.Published p = null;
            double age = 0;
            for (int attempt = 0; attempt < 3; attempt++) {
                LifecycleDriver d = driver(List.of(scaled(shippedRule("long_transaction"), 1.0 / 60, 1)));
                p = awaitOpened(d, latest, "long_transaction", o -> o == null);
                age = scalar("demo_target", "SELECT extract(epoch FROM now() - xact_start) FROM pg_stat_activity WHERE pid = " + pid);
                if (p.record().value() <= age + 0.5) {
                    break;
                }
            }
            assertEquals(Severity.WARNING, p.record().severity(), p.record().evidence().toString());
            assertTrue(p.record().value() > 2 && p.record().value() <= age + 0.5,
                    "rule saw " + p.record().value() + " s, the transaction is " + age + " s old; longest others: "
                            + longestOtherTransactions(pid) + "; evidence: " + p.record().evidence());
            holder.rollback();
        }
    }

    /**
     * long_running_query with thresholds scaled by 1/100 (warning 3 s instead of 5 min): a real pg_sleep(30);
     * the value is the running query's age in pg_stat_activity.
     */
    @Test
    void aLongSleepOpensLongRunningQuery() throws Exception {
        LifecycleDriver d = driver(List.of(scaled(shippedRule("long_running_query"), 1.0 / 100, 1)));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection sleeper = postgres.connect("demo_target")) {
            sleeper.createStatement().execute("SET application_name = 'rules_sleeper'");
            Future<?> sleep = pool.submit(() -> {
                try (Statement st = sleeper.createStatement()) {
                    st.execute("SELECT pg_sleep(30)");
                } catch (SQLException cancelled) {
                    // cancelled below
                }
                return null;
            });
            LifecycleDriver.Published p = awaitOpened(d, latest, "long_running_query", o -> o == null);
            double age = scalar("demo_target", "SELECT max(extract(epoch FROM now() - query_start)) FROM pg_stat_activity "
                    + "WHERE application_name = 'rules_sleeper' AND state = 'active'");
            assertEquals(Severity.WARNING, p.record().severity());
            assertTrue(p.record().value() > 3 && p.record().value() <= age + 0.5,
                    "rule saw " + p.record().value() + " s, the query runs for " + age + " s");
            assertEquals("cancel_query", p.record().suggestedAction());
            postgres.execute("demo_target", "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'rules_sleeper'");
            sleep.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * slow_statements at its shipped thresholds (mean over the interval above 1 s with more than 5 calls in it):
     * sixteen sessions each running pg_sleep(1.2) over and over; the object is the statement's real queryid.
     */
    @Test
    void aStatementTakingOverASecondManyTimesOpensSlowStatements() throws Exception {
        // a statement on its own table: its queryid differs from every other pg_sleep (aliases are not part of it)
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_slow", "CREATE TABLE rules_slow AS SELECT 1 AS x");
        LifecycleDriver d = shipped("slow_statements");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            for (int i = 0; i < 16; i++) {
                pool.submit(() -> {
                    try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
                        while (!stop.get()) {
                            st.execute("SELECT pg_sleep(1.2) FROM rules_slow");
                        }
                    }
                    return null;
                });
            }
            // the statement's queryid(s) in this database, read again at every check (the same text can have more
            // than one entry, e.g. per user or after the table was re-created)
            java.util.function.Supplier<java.util.Set<String>> queryids = () -> {
                java.util.Set<String> ids = new java.util.HashSet<>();
                try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT queryid::text FROM pg_stat_statements "
                             + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                             + "AND query LIKE '%FROM rules_slow%' AND query LIKE '%pg_sleep%'")) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return ids;
            };
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !queryids.get().isEmpty());
            LifecycleDriver.Published p = awaitOpened(d, latest, "slow_statements",
                    o -> o != null && o.startsWith("demo_target.") && queryids.get().contains(o.substring("demo_target.".length())));
            assertTrue(p.record().value() >= 1.2, p.record().evidence().toString());
            assertTrue(p.record().evidence().get("pg_stat_statements_interval_calls") > 5, p.record().evidence().toString());
            assertEquals(Severity.WARNING, p.record().severity());
        } finally {
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /**
     * table_not_vacuumed and table_not_analyzed with thresholds scaled from 10 days to 2 s (guards as shipped: more
     * than 1,000 dead tuples / modified rows): a table vacuumed and analyzed once, then changed; the ages the rules
     * saw are measured from the real last_vacuum / last_analyze times.
     */
    @Test
    void aChangedTableLeftAloneOpensTableNotVacuumedAndTableNotAnalyzed() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_neglected",
                "CREATE TABLE rules_neglected(id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)",
                "INSERT INTO rules_neglected SELECT g, 0 FROM generate_series(1, 4000) g",
                "VACUUM ANALYZE rules_neglected", "DELETE FROM rules_neglected WHERE id <= 2000",
                "UPDATE rules_neglected SET v = 1 WHERE id > 2000");
        double vacuumed = scalar("demo_target", "SELECT extract(epoch FROM last_vacuum) FROM pg_stat_user_tables WHERE relname = 'rules_neglected'");
        double analyzed = scalar("demo_target", "SELECT extract(epoch FROM last_analyze) FROM pg_stat_user_tables WHERE relname = 'rules_neglected'");
        LifecycleDriver d = driver(List.of(scaled(shippedRule("table_not_vacuumed"), 2.0 / 864000, 1),
                scaled(shippedRule("table_not_analyzed"), 2.0 / 864000, 1)));
        String object = "demo_target.public.rules_neglected";
        LifecycleDriver.Published v = awaitOpened(d, latest, "table_not_vacuumed", object::equals);
        assertEquals(vacuumed, v.record().evidence().get("pg_stat_user_tables_last_vacuum"), 0.001);
        assertTrue(v.record().evidence().get("pg_stat_user_tables_n_dead_tup") >= 2000, v.record().evidence().toString());
        assertTrue(v.record().value() > 2, v.record().evidence().toString());
        assertEquals("vacuum", v.record().suggestedAction());
        LifecycleDriver.Published a = awaitOpened(d, latest, "table_not_analyzed", object::equals);
        assertEquals(analyzed, a.record().evidence().get("pg_stat_user_tables_last_analyze"), 0.001);
        assertTrue(a.record().evidence().get("pg_stat_user_tables_n_mod_since_analyze") >= 4000, a.record().evidence().toString());
        assertEquals("analyze", a.record().suggestedAction());
    }

    /**
     * A table never vacuumed nor analyzed is aged from the server start, not from 1970 (which made any such table
     * look 56 years neglected an hour after it was created): thresholds scaled from 10 days to 2 s, guards as shipped.
     */
    @Test
    void aTableNeverVacuumedIsAgedFromTheServerStart() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_never",
                "CREATE TABLE rules_never(id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)",
                "INSERT INTO rules_never SELECT g, 0 FROM generate_series(1, 4000) g",
                "DELETE FROM rules_never WHERE id <= 2000");
        double started = scalar("demo_target", "SELECT extract(epoch FROM pg_postmaster_start_time())");
        LifecycleDriver d = driver(List.of(scaled(shippedRule("table_not_vacuumed"), 2.0 / 864000, 1),
                scaled(shippedRule("table_not_analyzed"), 2.0 / 864000, 1)));
        String object = "demo_target.public.rules_never";
        for (String rule : List.of("table_not_vacuumed", "table_not_analyzed")) {
            LifecycleDriver.Published p = awaitOpened(d, latest, rule, object::equals);
            assertEquals(started, p.record().evidence().get("pg_postmaster_start_time_seconds"), 1.0,
                    p.record().evidence().toString());
            double sinceStart = Instant.now().getEpochSecond() - started;
            assertTrue(p.record().value() > 2 && p.record().value() <= sinceStart + 1, rule + " aged "
                    + p.record().value() + " s, server up " + sinceStart + " s: " + p.record().evidence());
        }
    }

    /**
     * table_bloat and index_bloat with their size guards scaled by 1/100 (2 MB and 1 MB instead of 200 MB and 100 MB;
     * ratios as shipped): four rows in five deleted all over a 200,000-row table, then VACUUM ANALYZE, leave the
     * table's and its primary key's pages mostly empty.
     */
    @Test
    void deletingMostRowsAllOverATableOpensTableBloatAndIndexBloat() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_bloat",
                "CREATE TABLE rules_bloat(id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)",
                "INSERT INTO rules_bloat SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g",
                "DELETE FROM rules_bloat WHERE id % 5 <> 0", "VACUUM ANALYZE rules_bloat");
        LifecycleDriver d = driver(List.of(scaled(shippedRule("table_bloat"), 1, 0.01),
                scaled(shippedRule("index_bloat"), 1, 0.01)));
        LifecycleDriver.Published t = awaitOpened(d, latest, "table_bloat", "demo_target.public.rules_bloat"::equals);
        assertEquals(Severity.WARNING, t.record().severity(), t.record().evidence().toString());
        assertTrue(t.record().value() > 0.7, t.record().evidence().toString());
        LifecycleDriver.Published i = awaitOpened(d, latest, "index_bloat", "demo_target.public.rules_bloat_pkey"::equals);
        assertTrue(i.record().value() > 0.5, i.record().evidence().toString());
        assertEquals("reindex", i.record().suggestedAction());
    }

    /**
     * xid_age and database_xid_age with thresholds scaled so that EMERGENCY lies 15,000 transactions above the
     * database's age before the test: 20,000 real transactions burnt with txid_current(); the ages the rules saw
     * lie between the age before plus 20,000 and the age read afterwards.
     */
    @Test
    void burningTransactionIdsOpensXidAgeAndDatabaseXidAge() throws Exception {
        String ageOfDb = "SELECT age(datfrozenxid) FROM pg_database WHERE datname = 'demo_target'";
        double before = scalar("demo_target", ageOfDb);
        postgres.execute("demo_target",
                "DO $$ BEGIN FOR i IN 1..20000 LOOP PERFORM txid_current(); COMMIT; END LOOP; END $$");
        awaitCollected("pg_database_xid_age", java.util.Map.of("datname", "demo_target"), v -> v >= before + 20000);
        double factor = (before + 15000) / 1.5e9;
        LifecycleDriver d = driver(List.of(scaled(shippedRule("xid_age"), factor, 1),
                scaled(shippedRule("database_xid_age"), factor, 1)));
        LifecycleDriver.Published db = awaitOpened(d, latest, "database_xid_age", "demo_target"::equals);
        LifecycleDriver.Published table = awaitOpened(d, latest, "xid_age", o -> o != null && o.startsWith("demo_target."));
        double after = scalar("demo_target", ageOfDb);
        assertEquals(Severity.EMERGENCY, db.record().severity());
        assertTrue(db.record().value() >= before + 20000 && db.record().value() <= after,
                before + " + 20000 <= " + db.record().value() + " <= " + after);
        String rel = table.record().object().substring(table.record().object().lastIndexOf('.') + 1);
        double tableAge = scalar("demo_target", "SELECT max(age(relfrozenxid)) FROM pg_class WHERE relname = '" + rel + "'");
        assertTrue(table.record().value() >= before + 20000 - 1000 && table.record().value() <= tableAge,
                table.record() + " vs age(relfrozenxid) " + tableAge);
        assertEquals("vacuum", table.record().suggestedAction());
    }

    /**
     * mxid_age and database_mxid_age with thresholds scaled so that EMERGENCY lies 750 multixacts above the
     * database's multixact age before the test: 1,000 real multixacts made by two sessions sharing a row lock.
     */
    @Test
    void burningMultixactIdsOpensMxidAgeAndDatabaseMxidAge() throws Exception {
        String ageOfDb = "SELECT mxid_age(datminmxid) FROM pg_database WHERE datname = 'demo_target'";
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_mx", "CREATE TABLE rules_mx(id int PRIMARY KEY)",
                "INSERT INTO rules_mx VALUES (1)");
        double before = scalar("demo_target", ageOfDb);
        try (Connection holder = postgres.connect("demo_target")) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT * FROM rules_mx WHERE id = 1 FOR SHARE");
            postgres.execute("demo_target",
                    "DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM 1 FROM rules_mx WHERE id = 1 FOR SHARE; COMMIT; END LOOP; END $$");
            holder.rollback();
        }
        double burnt = scalar("demo_target", ageOfDb) - before;
        assertTrue(burnt >= 1000, "multixacts made: " + burnt);
        awaitCollected("pg_database_mxid_age", java.util.Map.of("datname", "demo_target"), v -> v >= before + 1000);
        double factor = (before + 750) / 1.5e9;
        LifecycleDriver d = driver(List.of(scaled(shippedRule("mxid_age"), factor, 1),
                scaled(shippedRule("database_mxid_age"), factor, 1)));
        LifecycleDriver.Published db = awaitOpened(d, latest, "database_mxid_age", "demo_target"::equals);
        LifecycleDriver.Published table = awaitOpened(d, latest, "mxid_age", o -> o != null && o.startsWith("demo_target."));
        double after = scalar("demo_target", ageOfDb);
        assertEquals(Severity.EMERGENCY, db.record().severity());
        assertTrue(db.record().value() >= before + 1000 && db.record().value() <= after,
                before + " + 1000 <= " + db.record().value() + " <= " + after);
        assertTrue(table.record().value() >= 1000, table.record().toString());
    }

    /**
     * hba_trust_rules at its shipped threshold: the throwaway cluster's pg_hba.conf (initdb -A trust) has trust
     * lines; the value the rule saw is their count in pg_hba_file_rules.
     */
    @Test
    void trustLinesInPgHbaOpenHbaTrustRules() throws Exception {
        double trust = scalar("demo_target", "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'");
        assertTrue(trust > 0, "initdb -A trust writes trust lines");
        LifecycleDriver d = shipped("hba_trust_rules");
        LifecycleDriver.Published p = awaitOpened(d, latest, "hba_trust_rules", o -> o == null);
        assertEquals(trust, p.record().value());
        assertEquals(Severity.INFO, p.record().severity());
    }

    /**
     * dead_tuples at its shipped thresholds and guard (AnomalyDetectionTest covers the lifecycle with the test rules'
     * lower guard): 20,000 of 30,000 rows deleted in a table autovacuum leaves alone; the ratio the rule saw is
     * n_dead_tup / (n_live_tup + n_dead_tup) of pg_stat_user_tables.
     */
    @Test
    void twoThirdsOfATableDeletedOpensDeadTuples() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_dead",
                "CREATE TABLE rules_dead(id int PRIMARY KEY) WITH (autovacuum_enabled = false)",
                "INSERT INTO rules_dead SELECT g FROM generate_series(1, 30000) g", "DELETE FROM rules_dead WHERE id <= 20000");
        LifecycleDriver d = shipped("dead_tuples");
        LifecycleDriver.Published p = awaitOpened(d, latest, "dead_tuples", "demo_target.public.rules_dead"::equals);
        double ratio = scalar("demo_target", "SELECT n_dead_tup::float8 / (n_live_tup + n_dead_tup) FROM pg_stat_user_tables "
                + "WHERE relname = 'rules_dead'");
        assertEquals(ratio, p.record().value(), 0.001);
        assertEquals(20000.0, p.record().evidence().get("pg_stat_user_tables_n_dead_tup"));
        assertEquals(Severity.CRITICAL, p.record().severity(), "two thirds dead is above 0.3");
        assertEquals("vacuum", p.record().suggestedAction());
    }

    /**
     * idle_in_transaction with thresholds scaled by 1/100 (warning 3 s instead of 5 min): a session that began a
     * transaction and sits idle; the age the rule saw is now() - state_change of that session.
     */
    @Test
    void aSessionIdleInTransactionOpensIdleInTransaction() throws Exception {
        LifecycleDriver d = driver(List.of(scaled(shippedRule("idle_in_transaction"), 1.0 / 100, 1)));
        try (Connection idle = postgres.connect("demo_target")) {
            idle.setAutoCommit(false);
            int pid;
            try (Statement st = idle.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            LifecycleDriver.Published p = awaitOpened(d, latest, "idle_in_transaction", o -> o == null);
            double age = scalar("demo_target", "SELECT extract(epoch FROM now() - state_change) FROM pg_stat_activity "
                    + "WHERE pid = " + pid + " AND state = 'idle in transaction'");
            assertTrue(p.record().value() > 3 && p.record().value() <= age + 0.5,
                    "rule saw " + p.record().value() + " s, the session is idle in transaction for " + age + " s");
            assertEquals("terminate_idle", p.record().suggestedAction());
            idle.rollback();
        }
    }

    /** invalid_index at its shipped threshold: a unique index built concurrently over duplicate values fails and stays invalid. */
    @Test
    void aFailedConcurrentIndexBuildOpensInvalidIndex() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS rules_invalid", "CREATE TABLE rules_invalid(v int)",
                "INSERT INTO rules_invalid VALUES (1), (1)");
        try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
            st.execute("CREATE UNIQUE INDEX CONCURRENTLY rules_invalid_v ON rules_invalid(v)");
            throw new AssertionError("the unique build over duplicates should fail");
        } catch (SQLException expected) {
            assertEquals("23505", expected.getSQLState(), expected.getMessage());
        }
        LifecycleDriver d = shipped("invalid_index");
        LifecycleDriver.Published p = awaitOpened(d, latest, "invalid_index", "demo_target.public.rules_invalid_v"::equals);
        assertEquals(Severity.WARNING, p.record().severity());
        assertEquals("drop_index", p.record().suggestedAction());
        postgres.execute("demo_target", "DROP TABLE rules_invalid");
    }
}
