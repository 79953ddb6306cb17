package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.automation.database.MappedSettings;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.dbautopilot.support.tool.ExternalTools;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration's own pre-migration {@code pg_dump} against a real throwaway PostgreSQL, throttled by a lock another
 * session holds (pg_dump waits in {@code LOCK TABLE … IN ACCESS SHARE MODE}, no {@code --lock-wait-timeout}): the
 * configured timeout fires and a cancel stops it promptly, both leaving no pg_dump process, no session and no file.
 */
class PreMigrationDumpLimitsTest {

    private static final String DB = "dump_limits";

    static ThrowawayPostgres postgres;
    static Connection locker;
    static Connection observer;

    @TempDir
    Path backups;

    @BeforeAll
    static void start() throws SQLException {
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
        postgres.createDatabase(DB);
        postgres.execute(DB, "CREATE TABLE orders (id int)", "INSERT INTO orders SELECT generate_series(1, 1000)");
        locker = postgres.connect(DB);
        locker.setAutoCommit(false);
        try (Statement st = locker.createStatement()) {
            st.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
        }
        observer = postgres.connect(DB);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (locker != null) {
            locker.rollback();
            locker.close();
        }
        if (observer != null) {
            observer.close();
        }
        postgres.close();
    }

    @Test
    void theTimeoutKillsABlockedDump() {
        PgDumpPreMigrationBackup backup = backup("3s");
        AtomicReference<Long> blockedPid = new AtomicReference<>();
        Instant start = Instant.now();

        PreMigrationBackup.BackupFailedException e = assertThrows(PreMigrationBackup.BackupFailedException.class,
                () -> backup.backup("orders", "V2", watching(blockedPid, () -> false)));
        Duration took = Duration.between(start, Instant.now());

        assertNotNull(blockedPid.get(), "pg_dump never waited for the lock: the test did not throttle it");
        assertTrue(e.getMessage().contains("pg_dump timed out after 3s (killed)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(autopilot.migrations.backup.timeout)"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0 && took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
        assertNothingLeft();
    }

    @Test
    void aCancelStopsABlockedDumpPromptly() {
        PgDumpPreMigrationBackup backup = backup("10m");
        AtomicReference<Long> blockedPid = new AtomicReference<>();
        AtomicReference<Instant> cancelledAt = new AtomicReference<>();

        PreMigrationBackup.BackupFailedException e = assertThrows(PreMigrationBackup.BackupFailedException.class,
                () -> backup.backup("orders", "V3", watching(blockedPid, () -> {
                    if (blockedPid.get() != null && cancelledAt.get() == null) {
                        cancelledAt.set(Instant.now());
                    }
                    return cancelledAt.get() != null;
                })));
        Duration afterCancel = Duration.between(cancelledAt.get(), Instant.now());

        assertTrue(e.getMessage().contains("pg_dump was cancelled (killed)"), e.getMessage());
        assertTrue(afterCancel.compareTo(Duration.ofSeconds(10)) < 0, "stopped " + afterCancel + " after the cancel");
        assertNothingLeft();
    }

    /** A stop signal that records when pg_dump's session waits for the lock, then answers {@code cancel}. */
    private static BooleanSupplier watching(AtomicReference<Long> blockedPid, BooleanSupplier cancel) {
        return () -> {
            if (blockedPid.get() == null) {
                List<Long> waiting = dumpSessions(" AND wait_event_type = 'Lock'");
                if (!waiting.isEmpty()) {
                    blockedPid.set(waiting.get(0));
                }
            }
            return cancel.getAsBoolean();
        };
    }

    private void assertNothingLeft() {
        assertEquals(List.of(), dumpSessions(""), "the dump's session is still on the server");
        assertEquals(List.of(), ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("--dbname=" + DB))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList(), "a pg_dump is still running");
        try (Stream<Path> files = Files.walk(backups)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "the partial dump was left behind");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> dumpSessions(String condition) {
        try (PreparedStatement st = observer.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name "
                + "LIKE ? AND datname = ?" + condition)) {
            st.setString(1, PgDumpPreMigrationBackup.APPLICATION_NAME + "%");
            st.setString(2, DB);
            try (ResultSet rs = st.executeQuery()) {
                List<Long> pids = new java.util.ArrayList<>();
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
                return pids;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private PgDumpPreMigrationBackup backup(String timeout) {
        Map<String, String> settings = new HashMap<>();
        settings.put("autopilot.databases.orders.url", postgres.uri(DB));
        settings.put("autopilot.databases.orders.username", postgres.user());
        settings.put("autopilot.databases.orders.password", postgres.password());
        settings.put("autopilot.migrations.backup.directory", backups.toString());
        settings.put("autopilot.migrations.backup.timeout", timeout);
        SmallRyeConfig config = MappedSettings.of(settings, ManagedDatabasesConfig.class, MigrationsConfig.class);
        ManagedDatabases databases = ManagedDatabases.localOnly(config.getConfigMapping(ManagedDatabasesConfig.class),
                java.util.Optional::empty);
        databases.validate();
        return new PgDumpPreMigrationBackup(databases, config.getConfigMapping(MigrationsConfig.class),
                ExternalTools.fromEnvironment());
    }
}
