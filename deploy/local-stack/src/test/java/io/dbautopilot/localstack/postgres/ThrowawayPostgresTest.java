package io.dbautopilot.localstack.postgres;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThrowawayPostgresTest {

    @Test
    void startsWithPgStatStatementsAndLeavesNothingBehind() throws Exception {
        Path dir;
        long postmasterPid;
        try (ThrowawayPostgres pg = ThrowawayPostgres.launch(PostgresBinaries.locate())) {
            dir = pg.directory();
            assertTrue(Files.isDirectory(pg.dataDirectory()));
            pg.createDatabase("sample");
            pg.execute("sample", "CREATE EXTENSION pg_stat_statements", "CREATE TABLE t(id int)", "INSERT INTO t VALUES (1),(2)");
            try (Connection c = pg.connect("sample"); Statement st = c.createStatement()) {
                assertEquals("pg_stat_statements", scalar(st, "SHOW shared_preload_libraries"));
                assertEquals("2", scalar(st, "SELECT count(*) FROM t"));
                assertTrue(Long.parseLong(scalar(st, "SELECT count(*) FROM pg_stat_statements")) > 0);
            }
            postmasterPid = Long.parseLong(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0).trim());
            assertTrue(ProcessHandle.of(postmasterPid).isPresent());
        }
        assertFalse(Files.exists(dir), "cluster directory removed");
        long pid = postmasterPid;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "postmaster gone");
    }

    @Test
    void stopMakesItUnreachableAndStartBringsItBackOnTheSamePort() throws Exception {
        try (ThrowawayPostgres pg = ThrowawayPostgres.launch(PostgresBinaries.locate())) {
            pg.execute("postgres", "CREATE TABLE kept(id int)");
            int port = pg.port();
            pg.stop();
            assertFalse(pg.running());
            assertThrows(SQLException.class, () -> pg.connect("postgres").close());
            pg.start();
            assertEquals(port, pg.port());
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                assertEquals("0", scalar(st, "SELECT count(*) FROM kept"));
            }
        }
    }

    @Test
    void aKilledOwnerJvmLeavesNoClusterBehind() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledOwnerChild.class.getName())
                .redirectErrorStream(true).start();
        String ready;
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            ready = out.lines().filter(l -> l.startsWith("READY ")).findFirst().orElseThrow();
        }
        String[] parts = ready.split(" ");
        Path dir = Path.of(parts[1]);
        long postmaster = Long.parseLong(parts[2]);
        assertTrue(Files.isDirectory(dir));
        assertTrue(ProcessHandle.of(postmaster).isPresent());

        child.destroyForcibly().waitFor(); // kill -9: no shutdown hook runs

        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((Files.exists(dir) || ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false), "postmaster stopped by the watchdog");
        assertFalse(Files.exists(dir), "cluster directory removed by the watchdog");
    }

    @Test
    void rejectsUnsafeDatabaseNames() {
        try (ThrowawayPostgres pg = ThrowawayPostgres.launch(PostgresBinaries.locate())) {
            assertThrows(IllegalArgumentException.class, () -> pg.createDatabase("x\"; DROP DATABASE postgres; --"));
        }
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
