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

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
