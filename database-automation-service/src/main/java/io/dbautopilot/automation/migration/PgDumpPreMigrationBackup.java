package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.backup.engine.StoredFiles;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.support.tool.ExternalTools;
import io.dbautopilot.support.tool.ToolNotFoundException;
import io.dbautopilot.support.tool.ToolProcess;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The default pre-migration backup: {@code pg_dump --format=custom} of the database into
 * {@code autopilot.migrations.backup.directory}, verified by reading its table of contents with
 * {@code pg_restore --list}, within {@code autopilot.migrations.backup.timeout}; the directory is 0700 and the dump
 * 0600 whatever the umask. A dump that times out or is cancelled
 * is killed with its server session and its partial file removed. Restore it with
 * {@code pg_restore -d <new database> <file>}.
 */
@DefaultBean
@ApplicationScoped
public class PgDumpPreMigrationBackup implements PreMigrationBackup {

    /** application_name prefix of the dump's session (followed by a per-run token), so it can be found and ended. */
    public static final String APPLICATION_NAME = ManagedDatabases.APPLICATION_NAME + " pre-migration-dump";

    private static final Logger LOG = Logger.getLogger(PgDumpPreMigrationBackup.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final ManagedDatabases databases;
    private final MigrationsConfig config;
    private final ExternalTools tools;

    public PgDumpPreMigrationBackup(ManagedDatabases databases, MigrationsConfig config, ExternalTools tools) {
        this.databases = databases;
        this.config = config;
        this.tools = tools;
    }

    @Override
    public Backup backup(String databaseId, String label, BooleanSupplier stop) throws BackupFailedException {
        Path pgDump;
        Path pgRestore;
        try {
            pgDump = tools.require("pg_dump");
            pgRestore = tools.require("pg_restore");
        } catch (ToolNotFoundException e) {
            throw new BackupFailedException(e.getMessage() + "; or disable the pre-migration backup with "
                    + "autopilot.migrations.backup.enabled=false");
        }
        ManagedDatabasesConfig.Database db = databases.settings(databaseId);
        Path dir = Path.of(config.backupDirectory(), databaseId.replaceAll("[^A-Za-z0-9_.-]", "_")).toAbsolutePath();
        Path file = dir.resolve(STAMP.format(Instant.now()) + "-" + label.replaceAll("[^A-Za-z0-9_.-]", "_") + ".dump");
        try {
            StoredFiles.directory(dir, java.util.Optional.empty()); // 0700 whatever the umask: the dump is all the data
        } catch (IOException e) {
            throw new BackupFailedException("cannot create " + dir + " (autopilot.migrations.backup.directory): " + e.getMessage());
        }
        String applicationName = APPLICATION_NAME + " " + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new LinkedHashMap<>();
        db.password().ifPresent(p -> env.put("PGPASSWORD", p));
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGAPPNAME", applicationName);
        env.putAll(io.dbautopilot.automation.backup.engine.LibpqSettings.environment(db.url().params()));
        List<String> cmd = new ArrayList<>(List.of(pgDump.toString(), "--format=custom", "--no-password",
                "--host=" + db.url().host(), "--port=" + db.url().port(), "--file=" + file, "--dbname=" + db.url().database()));
        db.username().ifPresent(u -> cmd.add("--username=" + u));
        Instant deadline = Instant.now().plus(config.backupTimeout());
        BooleanSupplier stopped = () -> stop.getAsBoolean() || Thread.currentThread().isInterrupted();

        ToolProcess.Result dump = run(new ToolProcess(cmd, env, java.util.Optional.empty(), null), line -> { },
                stopped, deadline, "pg_dump of " + databaseId);
        if (!dump.ok()) {
            endSession(databaseId, applicationName);
            deletePartial(file);
            throw new BackupFailedException(failure(dump, "pg_dump of " + databaseId + " (" + db.url() + ")"));
        }
        AtomicLong entries = new AtomicLong();
        ToolProcess.Result list = run(new ToolProcess(List.of(pgRestore.toString(), "--list", file.toString()), Map.of(),
                java.util.Optional.empty(), null), l -> entries.addAndGet(l.startsWith(";") || l.isBlank() ? 0 : 1),
                stopped, deadline, "pg_restore --list of " + file);
        if (!list.ok()) {
            throw new BackupFailedException(failure(list, "pg_restore --list of " + file));
        }
        long size;
        try {
            Files.setPosixFilePermissions(file, StoredFiles.PRIVATE_FILE);
            size = Files.size(file);
        } catch (IOException e) {
            throw new BackupFailedException("dump " + file + " cannot be made private (0600) or read: " + e.getMessage());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("format", "custom");
        details.put("verified_by", "pg_restore --list");
        details.put("toc_entries", entries.get());
        details.put("restore_with", "pg_restore --dbname=<new database> " + file);
        if (!dump.output().isBlank()) {
            details.put("pg_dump_output", dump.output().strip());
        }
        LOG.infof("Pre-migration backup of %s: %s (%d bytes, %d entries)", databaseId, file, size, entries.get());
        return new Backup("pg_dump", file.toString(), size, details);
    }

    private static ToolProcess.Result run(ToolProcess tool, java.util.function.Consumer<String> lines, BooleanSupplier stop,
                                          Instant deadline, String what) throws BackupFailedException {
        try {
            return tool.run(lines, stop, deadline);
        } catch (IOException e) {
            throw new BackupFailedException(what + " could not start: " + e.getMessage());
        }
    }

    private static String failure(ToolProcess.Result r, String what) {
        return what + ": " + r.failure() + (r.timedOut() ? " (autopilot.migrations.backup.timeout)" : "");
    }

    /**
     * Ends the killed dump's server session: a backend waiting for a lock does not notice that its client is gone
     * until the lock comes free, and would hold its place in the lock queue until then.
     */
    private void endSession(String databaseId, String applicationName) {
        boolean interrupted = Thread.interrupted(); // a cancel by interrupt still cleans up
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(10));
        try (Connection c = databases.connect(databaseId, "cleanup of a killed pre-migration dump");
             PreparedStatement st = c.prepareStatement("SELECT count(*), count(pg_terminate_backend(pid)) "
                     + "FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()")) {
            st.setString(1, applicationName);
            while (true) {
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                if (Instant.now().isAfter(giveUp)) {
                    LOG.warnf("The killed pre-migration dump's session on %s (application_name '%s') did not end within 10 s",
                            databaseId, applicationName);
                    return;
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            LOG.warnf("Cannot end the killed pre-migration dump's session on %s (application_name '%s'): %s",
                    databaseId, applicationName, e.getMessage());
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deletePartial(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Cannot remove the partial dump %s: %s", file, e.getMessage());
        }
    }
}
