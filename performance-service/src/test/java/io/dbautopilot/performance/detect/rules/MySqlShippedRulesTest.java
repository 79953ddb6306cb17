package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.mariadb.MariaDbBinaries;
import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.MariaDbTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.mysql.MariaDbTarget;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.operations.OperationEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shipped MySQL rule (mysql-rules.yaml: metric, filters, guards, thresholds; {@code for} set to 0 so a test
 * need not wait minutes) on a real condition created on the throwaway MariaDB, evaluated on the service's real
 * current values of the target registered through the API. Where a shipped threshold needs minutes, days or hundreds
 * of megabytes, the test keeps the rule's metric, labels, guards, comparison and severity order and scales the
 * thresholds (or a guard) down - the method's comment says by how much - and checks the value the rule saw. Where the
 * real condition is a configuration (a lower {@code max_connections}), the shipped thresholds are used as they are.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "options",
        value = MariaDbTarget.SERVER_OPTIONS))
class MySqlShippedRulesTest {

    static final String TARGET = "maria";

    @InjectInfra
    MariaDbServer mariadb;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricFamilies families;

    @BeforeEach
    void registered() throws Exception {
        MariaDbTarget.register(TARGET, mariadb).statusCode(anyOf(equalTo(200), equalTo(201)));
    }

    static String shippedText() throws Exception {
        try (InputStream in = MySqlShippedRulesTest.class.getClassLoader().getResourceAsStream("rules/mysql-rules.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A shipped MySQL rule with {@code for} and cooldown set to 0. */
    static Rule shipped(String name) throws Exception {
        for (Rule r : new RuleLoader(new MetricCatalog()).parse("mysql-rules.yaml", shippedText()).forTarget(TARGET)) {
            if (r.name().equals(name)) {
                return new Rule(r.name(), r.expression(), r.labels(), r.guards(), r.comparison(), r.thresholds(),
                        r.resolve(), Duration.ZERO, Duration.ZERO, r.action(), r.object(), r.description(), r.enabled());
            }
        }
        throw new AssertionError("no shipped MySQL rule " + name);
    }

    /** A shipped rule with thresholds and resolve bound multiplied by {@code factor}, guards by {@code guardFactor}. */
    static Rule scaled(String name, double factor, double guardFactor) throws Exception {
        Rule r = shipped(name);
        NavigableMap<Severity, Double> thresholds = new TreeMap<>();
        r.thresholds().forEach((s, v) -> thresholds.put(s, v * factor));
        List<Guard> guards = r.guards().stream()
                .map(g -> new Guard(g.metric(), g.comparison(), g.value() * guardFactor)).toList();
        return new Rule(r.name(), r.expression(), r.labels(), guards, r.comparison(), thresholds, r.resolve() * factor,
                r.forDuration(), r.cooldown(), r.action(), r.object(), r.description(), r.enabled());
    }

    /** A driver whose first cycle saw the server's values (counters of rate rules need that first reading). */
    private LifecycleDriver driver(Rule... rules) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> latest.current(TARGET).stream()
                .anyMatch(p -> p.name().equals("mysql_global_status_uptime")));
        LifecycleDriver d = new LifecycleDriver(TARGET, List.of(rules));
        d.familyOf = families::familyOf;
        d.cycle(latest.current(TARGET), Instant.now());
        return d;
    }

    /** Evaluates the target's current values every 300 ms until {@code rule} opened (values of cycles after the call). */
    private LifecycleDriver.Published awaitOpened(LifecycleDriver d, String rule, Predicate<String> object)
            throws InterruptedException {
        return awaitOpened(d, rule, object, Instant.now());
    }

    /**
     * Evaluates the target's current values every 300 ms until {@code rule} opened, from the first cycle collected
     * after {@code since} (a workload's start: rules on interval deltas see it only in the cycles that ran meanwhile).
     */
    private LifecycleDriver.Published awaitOpened(LifecycleDriver d, String rule, Predicate<String> object,
            Instant since) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (latest.latest(TARGET).filter(s -> s.collectedAt().isAfter(since)).isPresent()) {
                d.cycle(latest.current(TARGET), Instant.now());
                for (LifecycleDriver.Published p : d.published) {
                    if (p.state() == AnomalyState.OPENED && p.record().rule().equals(rule)
                            && object.test(p.record().object())) {
                        return p;
                    }
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError(rule + " did not open within 60 s; published: " + d.published);
    }

    private Connection session() throws SQLException {
        return MariaDbTarget.connect(mariadb, mariadb.database());
    }

    private static long connectionId(Connection c) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void everyShippedRuleIsTestedHereAndThereAreAtLeastFifteen() throws Exception {
        Set<String> names = new TreeSet<>();
        new RuleLoader(new MetricCatalog()).parse("mysql-rules.yaml", shippedText()).rules().forEach(r -> names.add(r.name()));
        assertTrue(names.size() >= 15, names.toString());
        String source = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
                "src/test/java/io/dbautopilot/performance/detect/rules/MySqlShippedRulesTest.java")), StandardCharsets.UTF_8);
        List<String> untested = names.stream().filter(n -> !source.contains("\"" + n + "\"")).toList();
        assertEquals(List.of(), untested, "shipped MySQL rules without a test on a real condition");
    }

    /** Shipped thresholds: the server stops (down), then starts again (uptime below 300 s). */
    @Test
    void aStoppedServerIsDownAndARestartedOneRestarted() throws Exception {
        ThrowawayMariaDb server = (ThrowawayMariaDb) mariadb;
        LifecycleDriver d = driver(shipped("mysql_down"));
        try {
            server.stop();
            LifecycleDriver.Published down = awaitOpened(d, "mysql_down", o -> true);
            assertEquals(Severity.CRITICAL, down.record().severity());
        } finally {
            server.restart();
        }
        Instant restartedAt = Instant.now();
        // once a cycle has read the restarted server's uptime, the rule sees it (not the uptime before the stop)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> latest.latest(TARGET)
                .filter(s -> s.collectedAt().isAfter(restartedAt) && s.findValue("mysql_up").orElse(0) == 1
                        && s.findValue("mysql_global_status_uptime").isPresent()).isPresent());
        LifecycleDriver r = driver(shipped("mysql_restarted"));
        LifecycleDriver.Published restarted = awaitOpened(r, "mysql_restarted", o -> true);
        double sinceRestart = Duration.between(restartedAt, Instant.now()).toMillis() / 1000.0;
        assertTrue(restarted.record().value() <= sinceRestart + 2, restarted.record().evidence() + " but restarted "
                + sinceRestart + " s ago");
    }

    /**
     * Shipped thresholds on a real configuration: max_connections lowered to 12, then 10 sessions each running a
     * 6-second SLEEP (connected and running threads above 80 % and 60 % of it).
     */
    @Test
    void connectionsNearMaxAndManyThreadsRunning() throws Exception {
        LifecycleDriver d = driver(shipped("mysql_connections_near_max"), shipped("mysql_threads_running_high"));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Connection> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                sessions.add(session());
            }
            MariaDbTarget.execute(mariadb, "SET GLOBAL max_connections = 12");
            List<Future<?>> sleeps = new ArrayList<>();
            for (Connection c : sessions) {
                sleeps.add(pool.submit(() -> c.createStatement().execute("SELECT SLEEP(6)")));
            }
            LifecycleDriver.Published near = awaitOpened(d, "mysql_connections_near_max", o -> true);
            assertTrue(near.record().value() > 0.8, near.record().evidence().toString());
            LifecycleDriver.Published running = awaitOpened(d, "mysql_threads_running_high", o -> true);
            assertTrue(running.record().value() > 0.6, running.record().evidence().toString());
            for (Future<?> f : sleeps) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            MariaDbTarget.execute(mariadb, "SET GLOBAL max_connections = 200");
            pool.shutdownNow();
            for (Connection c : sessions) {
                c.close();
            }
        }
    }

    /** Shipped thresholds: 20 logins with a wrong password within a second or two (rate above 0.1/s). */
    @Test
    void failedLoginsAreAbortedConnects() throws Exception {
        LifecycleDriver d = driver(shipped("mysql_aborted_connects"));
        for (int i = 0; i < 20; i++) {
            try (Connection ignored = java.sql.DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.user(), "wrong")) {
                throw new AssertionError("logged in with a wrong password");
            } catch (SQLException expected) {
                // access denied: counted in Aborted_connects
            }
        }
        LifecycleDriver.Published p = awaitOpened(d, "mysql_aborted_connects", o -> true);
        assertTrue(p.record().value() > 0.1, p.record().evidence().toString());
    }

    /**
     * A 6-second query (long-running query scaled 1/100: 300 s to 3 s) and a transaction that updated a row and then
     * sleeps (long transaction scaled 1/40: 120 s to 3 s; sleeping in transaction scaled 1/100: 300 s to 3 s).
     */
    @Test
    void aLongQueryALongTransactionAndASessionSleepingInIt() throws Exception {
        MariaDbTarget.execute(mariadb, "CREATE TABLE IF NOT EXISTS rules_trx(id int PRIMARY KEY, v int)",
                "INSERT IGNORE INTO rules_trx VALUES (1, 0)");
        LifecycleDriver d = driver(scaled("mysql_long_running_query", 0.01, 1), scaled("mysql_long_transaction", 1.0 / 40, 1),
                scaled("mysql_sleeping_in_transaction", 0.01, 1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection trx = session(); Connection query = session()) {
            trx.setAutoCommit(false);
            trx.createStatement().execute("UPDATE rules_trx SET v = v + 1 WHERE id = 1");
            long trxId = connectionId(trx);
            long queryId = connectionId(query);
            Future<?> slow = pool.submit(() -> query.createStatement().execute("SELECT SLEEP(6)"));
            // the anomalies name the session: <id>.<start in epoch seconds>.<user>
            String user = "." + mariadb.user();
            LifecycleDriver.Published q = awaitOpened(d, "mysql_long_running_query",
                    o -> o != null && o.startsWith(queryId + ".") && o.endsWith(user));
            assertTrue(q.record().value() > 3, q.record().evidence().toString());
            long queryStart = Long.parseLong(q.record().object().split("\\.")[1]);
            assertTrue(Math.abs(Instant.now().getEpochSecond() - q.record().value() - queryStart) <= 3,
                    "the statement's start: " + q.record().object());
            LifecycleDriver.Published t = awaitOpened(d, "mysql_long_transaction", o -> true);
            assertTrue(t.record().value() > 3, t.record().evidence().toString());
            LifecycleDriver.Published s = awaitOpened(d, "mysql_sleeping_in_transaction",
                    o -> o != null && o.startsWith(trxId + ".") && o.endsWith(user));
            assertTrue(s.record().value() > 3, s.record().evidence().toString());
            trx.rollback();
            slow.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Shipped thresholds: 7 sessions wait on a row lock (more than 5), then a real deadlock (rate above 5/min). */
    @Test
    void rowLockWaitsAndADeadlock() throws Exception {
        MariaDbTarget.execute(mariadb, "CREATE TABLE IF NOT EXISTS rules_locks(id int PRIMARY KEY, v int)",
                "INSERT IGNORE INTO rules_locks VALUES (1, 0), (2, 0)");
        LifecycleDriver d = driver(shipped("mysql_row_lock_waits"), shipped("mysql_deadlocks"));
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Connection> waiters = new ArrayList<>();
        try (Connection holder = session()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("UPDATE rules_locks SET v = 1 WHERE id = 1");
            List<Future<?>> waits = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Connection c = session();
                waiters.add(c);
                waits.add(pool.submit(() -> c.createStatement().execute("UPDATE rules_locks SET v = 2 WHERE id = 1")));
            }
            LifecycleDriver.Published lw = awaitOpened(d, "mysql_row_lock_waits", o -> true);
            assertTrue(lw.record().value() > 5, lw.record().evidence().toString());
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
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection a = session(); Connection b = session()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            a.createStatement().execute("UPDATE rules_locks SET v = 3 WHERE id = 1");
            b.createStatement().execute("UPDATE rules_locks SET v = 3 WHERE id = 2");
            Future<?> first = other.submit(() -> a.createStatement().execute("UPDATE rules_locks SET v = 4 WHERE id = 2"));
            Thread.sleep(300); // a waits for b's row before b asks for a's
            SQLException victim = null;
            try {
                b.createStatement().execute("UPDATE rules_locks SET v = 4 WHERE id = 1");
            } catch (SQLException e) {
                victim = e;
            }
            try {
                first.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                victim = (SQLException) e.getCause();
            }
            assertEquals(1213, victim == null ? 0 : victim.getErrorCode(), "one side is the deadlock victim");
            a.rollback();
            b.rollback();
        } finally {
            other.shutdownNow();
        }
        LifecycleDriver.Published dl = awaitOpened(d, "mysql_deadlocks", o -> true);
        assertTrue(dl.record().value() > 0.0833, dl.record().evidence().toString());
    }

    /**
     * History list length scaled 1/1000 (100,000 to 100): a consistent snapshot is held while 300 transactions commit
     * updates, so purge cannot remove their undo logs.
     */
    @Test
    void anOldReadViewHoldsBackPurge() throws Exception {
        MariaDbTarget.execute(mariadb, "CREATE TABLE IF NOT EXISTS rules_history(id int PRIMARY KEY, v int)",
                "INSERT IGNORE INTO rules_history VALUES (1, 0)");
        LifecycleDriver d = driver(scaled("mysql_history_list_length", 0.001, 1));
        try (Connection view = session(); Connection writer = session()) {
            view.setAutoCommit(false);
            view.createStatement().execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            view.createStatement().executeQuery("SELECT * FROM rules_history").close();
            try (Statement st = writer.createStatement()) {
                for (int i = 0; i < 300; i++) {
                    st.execute("UPDATE rules_history SET v = v + 1 WHERE id = 1");
                }
            }
            LifecycleDriver.Published p = awaitOpened(d, "mysql_history_list_length", o -> true);
            assertTrue(p.record().value() > 100, p.record().evidence().toString());
            view.rollback();
        }
    }

    /**
     * Shipped thresholds: random primary-key reads of a 40 MiB table through an 8 MiB buffer pool (hit ratio below
     * 95 % with more than 100 read requests a second).
     */
    @Test
    void readsMissingTheBufferPool() throws Exception {
        MariaDbTarget.execute(mariadb, "DROP TABLE IF EXISTS rules_cold",
                "CREATE TABLE rules_cold(id int PRIMARY KEY, pad char(255), pad2 char(255), pad3 char(255), pad4 char(255))",
                "INSERT INTO rules_cold SELECT seq, 'a', 'b', 'c', 'd' FROM seq_1_to_40000");
        LifecycleDriver d = driver(shipped("mysql_buffer_pool_hit_ratio_low"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Future<?> reader = pool.submit(() -> {
            try (Connection c = session(); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    StringBuilder ids = new StringBuilder();
                    for (int i = 0; i < 200; i++) {
                        ids.append(i == 0 ? "" : ",").append(ThreadLocalRandom.current().nextInt(1, 40001));
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(pad) FROM rules_cold WHERE id IN (" + ids + ")")) {
                        rs.next();
                    }
                }
            }
            return null;
        });
        try {
            LifecycleDriver.Published p = awaitOpened(d, "mysql_buffer_pool_hit_ratio_low", o -> true);
            assertTrue(p.record().value() < 0.95, p.record().evidence().toString());
        } finally {
            stop.set(true);
            reader.get(30, TimeUnit.SECONDS);
            pool.shutdownNow();
            MariaDbTarget.execute(mariadb, "DROP TABLE rules_cold");
        }
    }

    /**
     * Slow statements scaled 1/10 (mean 1 s to 100 ms; the guard of more than 5 calls an interval kept): 8 sessions
     * running {@code SELECT SLEEP(0.25)} over and over for 4 s; slow queries with the shipped threshold: those queries
     * are above the sessions' {@code long_query_time} of 0.1 s.
     */
    @Test
    void slowStatementsAndSlowQueries() throws Exception {
        LifecycleDriver d = driver(scaled("mysql_slow_statements", 0.1, 1), shipped("mysql_slow_queries"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Connection> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                sessions.add(session());
            }
            // the statements' mean is per interval (1 s here): the rule sees the workload only in the cycles that
            // ran while it did, so they are evaluated while it runs (12 s, well past a cycle however loaded the CI)
            Instant start = Instant.now();
            List<Future<?>> runs = new ArrayList<>();
            for (Connection c : sessions) {
                runs.add(pool.submit(() -> {
                    c.createStatement().execute("SET SESSION long_query_time = 0.1");
                    long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                    while (System.nanoTime() < end) {
                        c.createStatement().execute("SELECT SLEEP(0.25)");
                    }
                    return null;
                }));
            }
            LifecycleDriver.Published s = awaitOpened(d, "mysql_slow_statements",
                    o -> o.contains(mariadb.database()), start);
            assertTrue(s.record().value() > 0.1, s.record().evidence().toString());
            LifecycleDriver.Published q = awaitOpened(d, "mysql_slow_queries", o -> true, start);
            assertTrue(q.record().value() > 0, q.record().evidence().toString());
            for (Future<?> f : runs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            for (Connection c : sessions) {
                c.close();
            }
        }
    }

    /**
     * Replication from a second throwaway MariaDB (the primary, with a binary log): the I/O thread stopped, the SQL
     * thread stopped (shipped thresholds), and a replica held 20 s behind by MASTER_DELAY (lag scaled 1/10: 30 s to
     * 3 s).
     */
    @Test
    void replicationStoppedAndLagging() throws Exception {
        LifecycleDriver d = driver(shipped("mysql_replication_io_stopped"), shipped("mysql_replication_sql_stopped"),
                scaled("mysql_replication_lag", 0.1, 1));
        try (ThrowawayMariaDb primary = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "repl_source",
                List.of("--log-bin=binlog", "--server-id=2"))) {
            String file;
            long position;
            try (Connection p = java.sql.DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password());
                 ResultSet rs = p.createStatement().executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                file = rs.getString(1);
                position = rs.getLong(2);
            }
            try {
                // the replica has the primary's schema, so applying its events succeeds once the delay is over
                MariaDbTarget.execute(mariadb, "CREATE DATABASE IF NOT EXISTS repl_source");
                MariaDbTarget.execute(mariadb, "CHANGE MASTER TO MASTER_HOST = '" + primary.host() + "', MASTER_PORT = "
                        + primary.port() + ", MASTER_USER = '" + primary.user() + "', MASTER_PASSWORD = '"
                        + primary.password() + "', MASTER_LOG_FILE = '" + file + "', MASTER_LOG_POS = " + position
                        + ", MASTER_USE_GTID = no, MASTER_DELAY = 20", "START SLAVE");
                try (Connection p = java.sql.DriverManager.getConnection(primary.jdbcUrl(), primary.user(),
                        primary.password())) {
                    p.createStatement().execute("CREATE TABLE lagging(id int PRIMARY KEY)");
                    p.createStatement().execute("INSERT INTO lagging VALUES (1)");
                }
                LifecycleDriver.Published lag = awaitOpened(d, "mysql_replication_lag", o -> true);
                assertTrue(lag.record().value() > 3, lag.record().evidence().toString());

                MariaDbTarget.execute(mariadb, "STOP SLAVE IO_THREAD");
                LifecycleDriver.Published io = awaitOpened(d, "mysql_replication_io_stopped", o -> true);
                assertEquals(0.0, io.record().value());
                MariaDbTarget.execute(mariadb, "STOP SLAVE SQL_THREAD");
                LifecycleDriver.Published sql = awaitOpened(d, "mysql_replication_sql_stopped", o -> true);
                assertEquals(0.0, sql.record().value());
            } finally {
                MariaDbTarget.execute(mariadb, "STOP SLAVE", "RESET SLAVE ALL");
            }
        }
    }

    /**
     * The disk-full forecast (series {@code mysql_disk_full}, not a rule of mysql-rules.yaml): a second throwaway
     * MariaDB whose binary log is on a 64 MiB tmpfs mounted for the test (root, as CI runs) gets 1 MiB rows (row-based
     * logging) every 500 ms; the binlog's filesystem is forecast to fill up within minutes, with its ETA.
     */
    @Test
    void aGrowingBinaryLogIsForecastToFillItsFilesystem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root (CI runs as root)");
        java.nio.file.Path mount = java.nio.file.Files.createTempDirectory("dbautopilot-binlog-");
        exec("mount", "-t", "tmpfs", "-o", "size=64m,mode=0777", "tmpfs", mount.toString());
        String id = "maria-filling";
        ScheduledExecutorService filler = Executors.newSingleThreadScheduledExecutor();
        try (ThrowawayMariaDb server = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "filling",
                List.of("--log-bin=" + mount.resolve("binlog"), "--server-id=3"));
             AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers());
             Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password())) {
            MariaDbTarget.register(id, server, """
                    {"interval": "1s", "query_timeout": "3s", "family_intervals": {"filesystem": "1s"}}""")
                    .statusCode(anyOf(equalTo(200), equalTo(201)));
            c.createStatement().execute("SET SESSION binlog_format = 'ROW'");
            c.createStatement().execute("CREATE TABLE fill(id int AUTO_INCREMENT PRIMARY KEY, pad longblob)");
            java.nio.file.FileStore store = java.nio.file.Files.getFileStore(mount);
            filler.scheduleAtFixedRate(() -> {
                try {
                    // stop well before full: a server whose binlog's disk is full waits for space, it does not fail
                    if (1.0 - (double) store.getUsableSpace() / store.getTotalSpace() < 0.8) {
                        c.createStatement().execute("INSERT INTO fill(pad) VALUES (REPEAT('x', 1048576))");
                    }
                } catch (Exception e) {
                    // the forecast must have opened long before
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            // (the data directory's filesystem is this machine's disk: whatever it does, it is another object)
            AnomalyEvent opened = events.await(90, "forecast_mysql_disk_full of the binlog opened", r -> id.equals(r.key())
                    && r.event().detector().equals("forecast_mysql_disk_full") && "binlog".equals(r.event().object())
                    && r.event().state() == AnomalyState.OPENED).event();
            assertEquals(Severity.EMERGENCY, opened.severity(), "minutes away: " + opened.evidence());
            double etaHours = opened.evidence().get("eta_hours");
            assertTrue(etaHours > 0 && etaHours < 0.1, "64 MiB at 2 MiB/s: well under 6 minutes: " + opened.evidence());
            assertTrue(opened.summary().contains("binary log full"), opened.summary());
            filler.shutdownNow();
            assertTrue(filler.awaitTermination(30, TimeUnit.SECONDS), "the filler stopped");
        } finally {
            filler.shutdownNow();
            io.restassured.RestAssured.delete("/api/targets/" + id);
            exec("umount", "-l", mount.toString());
            java.nio.file.Files.deleteIfExists(mount);
        }
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    /**
     * Fragmentation scaled 1/200 (200 MiB of free space to 1 MiB; the guard of over 30 % free kept): a 16 MiB table
     * of which 80 % of the rows are deleted and purged.
     */
    @Test
    void aTableWithMostRowsDeletedIsFragmented() throws Exception {
        MariaDbTarget.execute(mariadb, "DROP TABLE IF EXISTS rules_frag",
                "CREATE TABLE rules_frag(id int PRIMARY KEY, pad char(255), pad2 char(255), pad3 char(255), pad4 char(255))",
                "INSERT INTO rules_frag SELECT seq, 'a', 'b', 'c', 'd' FROM seq_1_to_16000",
                "DELETE FROM rules_frag WHERE id > 3200");
        LifecycleDriver d = driver(scaled("mysql_table_fragmentation", 1.0 / 200, 1));
        // InnoDB's purge returns the pages in the background; statistics then see the smaller table
        for (int i = 0; i < 20; i++) {
            MariaDbTarget.execute(mariadb, "ANALYZE TABLE rules_frag");
            Thread.sleep(500);
        }
        LifecycleDriver.Published p = awaitOpened(d, "mysql_table_fragmentation", o -> o.endsWith("rules_frag"));
        assertTrue(p.record().value() > 1024 * 1024, p.record().evidence().toString());
        MariaDbTarget.execute(mariadb, "DROP TABLE rules_frag");
    }

    /**
     * Duplicate index (shipped): an index on (a) beside one on (a, b). Unused index with the uptime guard scaled
     * 1/1,000,000 (a week to 0.6 s): an index on (c) while the table is read by primary key only.
     */
    @Test
    void duplicateAndUnusedIndexes() throws Exception {
        MariaDbTarget.execute(mariadb, "DROP TABLE IF EXISTS rules_idx",
                "CREATE TABLE rules_idx(id int PRIMARY KEY, a int, b int, c int, KEY rules_idx_a (a), "
                        + "KEY rules_idx_ab (a, b), KEY rules_idx_c (c))",
                "INSERT INTO rules_idx SELECT seq, seq, seq, seq FROM seq_1_to_100",
                "SELECT * FROM rules_idx WHERE id = 5", "SELECT * FROM rules_idx WHERE a = 5 AND b = 5");
        LifecycleDriver d = driver(shipped("mysql_duplicate_index"), scaled("mysql_unused_index", 1, 1e-6));
        LifecycleDriver.Published dup = awaitOpened(d, "mysql_duplicate_index", o -> o.endsWith("rules_idx_a"));
        assertEquals(1.0, dup.record().value());
        LifecycleDriver.Published unused = awaitOpened(d, "mysql_unused_index", o -> o.endsWith("rules_idx_c"));
        assertEquals(1.0, unused.record().value());
        MariaDbTarget.execute(mariadb, "DROP TABLE rules_idx");
    }

    /**
     * Shipped thresholds: 8 MiB written in row format within about a second (binary log growing above 1 MiB/s) into a
     * new table (its schema growing above 1 MiB/s once InnoDB's statistics count it).
     */
    @Test
    void fastGrowthOfTheBinaryLogAndASchema() throws Exception {
        LifecycleDriver d = driver(shipped("mysql_binlog_growth"), shipped("mysql_data_growth"));
        MariaDbTarget.execute(mariadb, "DROP TABLE IF EXISTS rules_growth");
        Thread.sleep(1500); // two readings of the sizes before the burst, so the rate spans the burst only
        try (Connection c = session(); Statement st = c.createStatement()) {
            st.execute("SET SESSION binlog_format = 'ROW'");
            st.execute("CREATE TABLE rules_growth(id int PRIMARY KEY, pad char(255), pad2 char(255), pad3 char(255), "
                    + "pad4 char(255))");
            // full-length values: row events carry a CHAR's characters, not its padding
            st.execute("INSERT INTO rules_growth SELECT seq, REPEAT('a', 255), REPEAT('b', 255), REPEAT('c', 255), "
                    + "REPEAT('d', 255) FROM seq_1_to_8000");
            st.execute("ANALYZE TABLE rules_growth");
        }
        LifecycleDriver.Published binlog = awaitOpened(d, "mysql_binlog_growth", o -> true);
        assertTrue(binlog.record().value() > 1048576, binlog.record().evidence().toString());
        LifecycleDriver.Published data = awaitOpened(d, "mysql_data_growth", o -> o.contains(mariadb.database()));
        assertTrue(data.record().value() > 1048576, data.record().evidence().toString());
        MariaDbTarget.execute(mariadb, "DROP TABLE rules_growth");
    }

    /**
     * Backups of the target as the automation service publishes them on {@code autopilot.operations.v1}: a last
     * successful backup 26 h old opens {@code backup_stale} (warning; the policy's backup-stale answers it with the
     * engine's default backup), a failed one opens {@code backup_failed}, a fresh successful one resolves both.
     */
    @Test
    void anOldLastBackupAndAFailedOne() throws Exception {
        LifecycleDriver d = driver(shipped("backup_stale"), shipped("backup_failed"));
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            events.publish(OperationEvents.backup(TARGET, OperationState.SUCCEEDED, Instant.now().minus(Duration.ofHours(26))));
            LifecycleDriver.Published stale = awaitOpened(d, "backup_stale", o -> true);
            assertEquals(Severity.WARNING, stale.record().severity());
            assertTrue(stale.record().value() > 26 * 3600 - 60, stale.record().evidence().toString());

            events.publish(OperationEvents.backup(TARGET, OperationState.FAILED, Instant.now()));
            LifecycleDriver.Published failed = awaitOpened(d, "backup_failed", o -> true);
            assertEquals("investigate", failed.record().suggestedAction(), failed.record().toString());

            // leaves the target as other classes expect it: its latest backup recent and successful
            events.publish(OperationEvents.backup(TARGET, OperationState.SUCCEEDED, Instant.now()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                d.cycle(latest.current(TARGET), Instant.now());
                return d.published.stream().filter(p -> p.state() == AnomalyState.RESOLVED)
                        .map(p -> p.record().rule()).collect(java.util.stream.Collectors.toSet())
                        .containsAll(Set.of("backup_stale", "backup_failed"));
            });
        }
    }
}
