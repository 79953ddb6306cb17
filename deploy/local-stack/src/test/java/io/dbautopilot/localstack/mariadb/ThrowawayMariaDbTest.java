package io.dbautopilot.localstack.mariadb;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import io.dbautopilot.localstack.ServerLeftovers;
import io.dbautopilot.localstack.ServerLeftovers.Started;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThrowawayMariaDbTest {

    @Test
    void startsWithPasswordAuthAndPerformanceSchemaAndLeavesNothingBehind() throws Exception {
        Started started;
        try (ThrowawayMariaDb db = ThrowawayMariaDb.launch(MariaDbBinaries.locate())) {
            started = new Started(db.directory(), db.pid());
            assertEquals("mariadb://127.0.0.1:" + db.port() + "/autopilot_test", db.url());
            assertEquals("jdbc:mariadb://127.0.0.1:" + db.port() + "/autopilot_test", db.jdbcUrl());
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(20))");
                st.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
                assertEquals("two", scalar(st, "SELECT note FROM t WHERE id = 2"));
                assertEquals("autopilot_test", scalar(st, "SELECT DATABASE()"));
                assertEquals("1", scalar(st, "SELECT @@performance_schema"));
                assertEquals("10.11", scalar(st, "SELECT VERSION()").substring(0, 5));
            }
            assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "wrong-" + db.password()).close());
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl(), "root", "").close(),
                    "no passwordless root over TCP");
            assertTrue(db.running());
        }
        ServerLeftovers.assertGone(started, 30);
    }

    /**
     * The local stack's automation user on shop can do what the automation service does there with its grants alone:
     * table maintenance, online index changes, a migration's DDL, read other sessions and their transactions, kill
     * another user's session, read performance_schema and the replica state; and nothing on another database.
     */
    @Test
    void theLocalStacksAutomationUserCanDoItsOperationsAndNothingElse() throws Exception {
        try (ThrowawayMariaDb db = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "shop", List.of())) {
            String password = "automation-" + System.nanoTime();
            db.execute("shop", "CREATE TABLE orders (id int PRIMARY KEY, customer int) ENGINE=InnoDB",
                    "INSERT INTO orders SELECT seq, seq % 10 FROM seq_1_to_100", "CREATE DATABASE other");
            db.execute("shop", io.dbautopilot.localstack.LocalStack.shopAutomationGrants(password).toArray(String[]::new));
            try (Connection victim = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Connection c = DriverManager.getConnection(db.jdbcUrl(), "autopilot_automation", password);
                 Statement st = c.createStatement()) {
                long victimId;
                try (Statement v = victim.createStatement()) {
                    victimId = Long.parseLong(scalar(v, "SELECT CONNECTION_ID()"));
                }
                assertEquals("OK", lastColumn(st, "ANALYZE TABLE orders"));
                st.execute("ALTER TABLE orders ADD INDEX orders_customer_idx (customer), ALGORITHM=INPLACE, LOCK=NONE");
                st.execute("ALTER TABLE orders DROP INDEX orders_customer_idx, ALGORITHM=INPLACE, LOCK=NONE");
                st.execute("CREATE TABLE flyway_like (id int PRIMARY KEY, parent int, "
                        + "FOREIGN KEY (parent) REFERENCES orders (id))");
                st.execute("INSERT INTO flyway_like VALUES (1, 1)");
                st.execute("DROP TABLE flyway_like");
                scalar(st, "SELECT COUNT(*) FROM information_schema.INNODB_TRX");
                assertEquals(String.valueOf(victimId), scalar(st, "SELECT ID FROM information_schema.PROCESSLIST "
                        + "WHERE ID = " + victimId));
                scalar(st, "SELECT COUNT(*) FROM performance_schema.session_connect_attrs");
                st.executeQuery("SHOW SLAVE STATUS").close();
                st.execute("KILL CONNECTION " + victimId);
                assertThrows(SQLException.class, () -> victim.createStatement().executeQuery("SELECT 1"),
                        "another user's session was killed");
                assertThrows(SQLException.class, () -> st.execute("CREATE TABLE other.t (id int)"),
                        "nothing on another database");
                assertThrows(SQLException.class, () -> st.execute("CREATE USER 'x'@'%'"), "no user administration");
            }
        }
    }

    @Test
    void takesTheDatabaseNameAndExtraServerOptions() throws Exception {
        try (ThrowawayMariaDb db = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "engine_target",
                List.of("--log-bin=binlog", "--server-id=7"))) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Statement st = c.createStatement()) {
                assertEquals("engine_target", scalar(st, "SELECT DATABASE()"));
                assertEquals("1", scalar(st, "SELECT @@log_bin"));
                assertEquals("7", scalar(st, "SELECT @@server_id"));
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "x`; DROP DATABASE mysql; --", List.of()));
    }

    @Test
    void aKilledOwnerJvmLeavesNoServerBehind() throws Exception {
        Started started = ServerLeftovers.startInChildAndKillIt("mariadb");
        ServerLeftovers.assertGone(started, 40);
    }

    @Test
    void whenTheWatchdogWasKilledTooTheNextLaunchRemovesTheServer() throws Exception {
        Started started = ServerLeftovers.startInChildAndKillIt("mariadb", true);
        assertTrue(ServerLeftovers.alive(started.pid()), "left running: nothing else cleans up");
        assertTrue(Files.isDirectory(started.directory()));
        try (var next = ThrowawayMariaDb.launch(MariaDbBinaries.locate())) {
            assertTrue(next.running());
            ServerLeftovers.assertGone(started, 15);
        }
    }

    @Test
    void missingProgramsSayWhatToInstall() {
        Path nowhere = Path.of("/nonexistent/bin");
        MissingPrerequisiteException e = assertThrows(MissingPrerequisiteException.class,
                () -> new MariaDbBinaries(nowhere.resolve("mariadb-install-db"), nowhere.resolve("mariadbd")));
        assertTrue(e.getMessage().contains("apt-get install -y mariadb-server mariadb-backup mariadb-client"), e.getMessage());
    }

    @Test
    void aServerThatCannotStartFailsNamingItsLog() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ThrowawayMariaDb.launch(
                MariaDbBinaries.locate(), "autopilot_test", List.of("--no-such-option-for-mariadbd")));
        assertTrue(e.getMessage().contains("mariadb.log"), e.getMessage());
        Path dir = Path.of(e.getMessage().replaceAll("(?s).*see (\\S+)/mariadb\\.log.*", "$1"));
        assertFalse(Files.exists(dir), "directory of the failed server removed: " + dir);
    }

    private static String lastColumn(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            String last = null;
            while (rs.next()) {
                last = rs.getString(rs.getMetaData().getColumnCount());
            }
            return last;
        }
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
