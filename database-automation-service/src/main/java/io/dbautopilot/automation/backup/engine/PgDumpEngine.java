package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.support.tool.ToolProcess;
import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * pg_dump: logical backup of one database in custom format (compressed); progress = tables dumped (pg_dump's own
 * verbose output) of the tables the catalog lists; verified by the file's SHA-256 and {@code pg_restore --list}.
 */
@ApplicationScoped
public class PgDumpEngine implements BackupEngine {

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Duration SHORT = Duration.ofMinutes(30);

    private final BackupTools tools;

    public PgDumpEngine(BackupTools tools) {
        this.tools = tools;
    }

    @Override
    public EngineKind kind() {
        return EngineKind.PG_DUMP;
    }

    @Override
    public Optional<String> unsupported(BackupTarget t, BackupType type) {
        return type == BackupType.LOGICAL ? Optional.empty()
                : Optional.of("pg_dump takes logical backups only (type logical); use engine pgbackrest or pg_basebackup "
                + "for " + type.wire() + " backups");
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        Optional<String> why = unsupported(t, type);
        if (why.isPresent()) {
            throw new BackupFailure(why.get());
        }
        ToolSessionLeftovers.stopDumpSessions(t);
        long tables = tableCount(t);
        String name = NAME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = t.home().resolve("pg_dump").resolve(name);
        Path file = dir.resolve(t.database() + ".pgdump");
        try {
            StoredFiles.directory(t.home(), t.osUser()); // pgBackRest and restores run as the cluster's OS user there
            StoredFiles.directory(dir.getParent(), Optional.empty());
            StoredFiles.directory(dir, Optional.empty());
        } catch (IOException e) {
            throw new BackupFailure("cannot create " + dir + ": " + e.getMessage(), e);
        }
        progress.location(dir.toString());
        List<String> cmd = new ArrayList<>(List.of(tools.tool("pg_dump").toString()));
        cmd.addAll(t.libpqArgs());
        cmd.addAll(List.of("-d", t.database(), "-Fc", "-Z", "6", "--verbose", "--no-password", "-f", file.toString()));
        long[] dumped = new long[1];
        ToolProcess.Result r;
        try {
            r = new ToolProcess(cmd, t.libpqEnv(), Optional.empty(), null).run(line -> {
                if (line.contains("dumping contents of table")) {
                    dumped[0]++;
                    progress.report(tables == 0 ? 100.0 : Math.min(100.0, 100.0 * dumped[0] / tables), null, null);
                }
            }, stop, deadline);
        } catch (IOException e) {
            throw new BackupFailure("cannot run pg_dump: " + e.getMessage(), e);
        }
        if (!r.ok()) {
            cleanPartial(t, null, dir);
            throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                    : "pg_dump exited with " + r.exitCode() + ": " + r.output());
        }
        try {
            StoredFiles.restrict(dir);
            return new EngineResult(BackupType.LOGICAL, name, null, dir.toString(), databaseSize(t), Files.size(file),
                    null, null, null, null, StoredFiles.sha256(dir));
        } catch (IOException e) {
            throw new BackupFailure("pg_dump finished but " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Verification verify(BackupTarget t, Backup backup) throws BackupFailure {
        Path dir = Path.of(backup.location());
        if (!Files.isDirectory(dir)) {
            return new Verification(false, "backup directory " + dir + " is missing");
        }
        try {
            String sum = StoredFiles.sha256(dir);
            if (backup.checksum() != null && !backup.checksum().equals(sum)) {
                return new Verification(false, "checksum mismatch: the dump changed since the backup (recorded "
                        + backup.checksum() + ", now " + sum + ")");
            }
            Path file = dumpFile(dir);
            java.util.concurrent.atomic.AtomicLong entries = new java.util.concurrent.atomic.AtomicLong();
            ToolProcess.Result r = ToolProcess.of(List.of(tools.tool("pg_restore").toString(), "--list", file.toString()))
                    .run(l -> entries.addAndGet(l.startsWith(";") || l.isBlank() ? 0 : 1), () -> false, SHORT);
            return r.ok() ? new Verification(true, "checksum ok; pg_restore --list: " + entries + " entries")
                    : new Verification(false, "pg_restore --list: " + r.output());
        } catch (IOException e) {
            throw new BackupFailure("cannot verify " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The dump file of a backup directory. */
    public static Path dumpFile(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".pgdump")).findFirst()
                    .orElseThrow(() -> new IOException("no .pgdump file in " + dir));
        }
    }

    @Override
    public void remove(BackupTarget t, Backup backup) throws BackupFailure {
        try {
            StoredFiles.delete(Path.of(backup.location()));
        } catch (IOException e) {
            throw new BackupFailure("cannot remove " + backup.location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanPartial(BackupTarget t, Backup backup) {
        if (backup.location() != null) {
            cleanPartial(t, backup, Path.of(backup.location()));
        }
    }

    private static void cleanPartial(BackupTarget t, Backup backup, Path dir) {
        try {
            StoredFiles.delete(dir);
        } catch (IOException e) {
            // left for the next clean-up
        }
    }

    @Override
    public void restore(BackupTarget t, Backup backup, Path dataDir, Optional<Instant> targetTime, BooleanSupplier stop,
                        Instant deadline) throws BackupFailure {
        throw new BackupFailure("a logical backup is restored with pg_restore into an existing server: pg_restore -d <db> "
                + backup.location() + "/*.pgdump (restore into a new data directory is for physical backups)");
    }

    private static long tableCount(BackupTarget t) throws BackupFailure {
        try (Connection c = t.connector().open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                     + "AND n.nspname NOT LIKE 'pg_toast%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new BackupFailure("cannot read the catalog of '" + t.databaseId() + "': " + e.getMessage(), e);
        }
    }

    private static long databaseSize(BackupTarget t) {
        try (Connection c = t.connector().open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }
}
