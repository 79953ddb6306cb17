package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Backups of SQLite files with {@code VACUUM INTO}: one read transaction of the source copied into a new, compacted
 * file under the service's backup directory (the destination path is built here, never from input), consistent while
 * the application writes. The per-table row counts recorded beside the copy are those of the copy's snapshot: they
 * are read right before the copy and kept only when {@code PRAGMA data_version} shows that no other connection
 * committed between the counts and the end of the copy (retried a few times); when the application committed during
 * every attempt, the copy is taken with the online backup API inside the counts' own read transaction instead.
 * Verified by {@code PRAGMA integrity_check} of the copy = ok and its row counts equal to the recorded ones; a
 * restore (drill) copies it to a scratch file and checks the same.
 */
@ApplicationScoped
public class SqliteVacuumIntoEngine implements DirectoryBackupEngine, ScratchRestoring {

    private static final Logger LOG = Logger.getLogger(SqliteVacuumIntoEngine.class);
    /** Attempts at a copy no other connection committed during, before falling back to per-table comparison. */
    static final int SNAPSHOT_ATTEMPTS = 5;

    @Override
    public EngineKind kind() {
        return EngineKind.SQLITE_VACUUM_INTO;
    }

    @Override
    public Set<Engine> databaseEngines() {
        return Set.of(Engine.SQLITE);
    }

    @Override
    public Optional<String> unsupported(BackupTarget target, BackupType type) {
        if (target.engine() != Engine.SQLITE) {
            return Optional.of("sqlite_vacuum_into backs up SQLite files only, not " + target.engine().wire());
        }
        return type == BackupType.FULL ? Optional.empty()
                : Optional.of("sqlite_vacuum_into takes full copies only (type full), not " + type.wire());
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        Optional<String> why = unsupported(t, type);
        if (why.isPresent()) {
            throw new BackupFailure(why.get());
        }
        String name = newName();
        Path dir = t.home().resolve(kind().wire()).resolve(name);
        Path copy = dir.resolve(copyName(Path.of(t.database())));
        try {
            StoredFiles.directory(t.home(), Optional.empty());
            StoredFiles.directory(dir.getParent(), Optional.empty());
            StoredFiles.directory(dir, Optional.empty());
        } catch (IOException e) {
            throw new BackupFailure("cannot create " + dir + ": " + e.getMessage(), e);
        }
        progress.location(dir.toString());
        try (Connection c = t.connector().open()) {
            SqliteRowCounts.Recorded recorded = null;
            for (int attempt = 1; recorded == null; attempt++) {
                if (stop.getAsBoolean() || Instant.now().isAfter(deadline)) {
                    throw new BackupFailure(stop.getAsBoolean() ? "stopped" : "time budget spent");
                }
                Files.deleteIfExists(copy);
                if (attempt > SNAPSHOT_ATTEMPTS) {
                    LOG.infof("Backup of %s: the application committed during each of %d VACUUM INTO attempts; copying "
                            + "with the online backup API inside the counts' read transaction", t.databaseId(),
                            SNAPSHOT_ATTEMPTS);
                    recorded = backupApiCopy(c, copy, t.database());
                    break;
                }
                long v0 = dataVersion(c);
                Map<String, Long> before = SqliteRowCounts.read(c);
                try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                    ps.setString(1, copy.toString());
                    ps.execute();
                }
                if (dataVersion(c) == v0) {
                    recorded = new SqliteRowCounts.Recorded(t.database(), before, "VACUUM INTO", "same_snapshot");
                } else {
                    LOG.debugf("Backup of %s: the application committed during copy attempt %d, copying again",
                            t.databaseId(), attempt);
                    Retry.sleep(Duration.ofMillis(50L * attempt), stop);
                }
            }
            rollbackJournal(copy);
            progress.report(100.0, Files.size(copy), Files.size(copy));
            SqliteRowCounts.write(dir, recorded);
            StoredFiles.restrict(dir);
            return new EngineResult(BackupType.FULL, name, null, dir.toString(), Files.size(Path.of(t.database())),
                    StoredFiles.size(dir), null, null, null, null, StoredFiles.sha256(dir));
        } catch (SQLException | IOException | RuntimeException e) {
            StoredFiles.deleteQuietly(dir);
            throw new BackupFailure("VACUUM INTO backup of '" + t.databaseId() + "' (" + t.database() + ") failed: "
                    + e.getMessage(), e);
        } catch (BackupFailure e) {
            StoredFiles.deleteQuietly(dir);
            throw e;
        }
    }

    /**
     * The fallback copy: the online backup API ({@code sqlite3_backup_*} through sqlite-jdbc) run inside the read
     * transaction the counts were read in, so the copy is that transaction's snapshot whatever the application commits
     * meanwhile (not compacted: free pages are copied too).
     */
    private static SqliteRowCounts.Recorded backupApiCopy(Connection c, Path copy, String file) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Map<String, Long> counts = SqliteRowCounts.counts(c);
            int rc = c.unwrap(org.sqlite.SQLiteConnection.class).getDatabase().backup("main", copy.toString(), null);
            if (rc != 0) {
                throw new SQLException("the online backup API answered result code " + rc);
            }
            c.commit();
            return new SqliteRowCounts.Recorded(file, counts, "online backup API", "same_read_transaction");
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Puts the copy in rollback-journal mode (its header only): a WAL-mode copy would grow {@code -wal} / {@code -shm}
     * files beside it whenever it is opened, and the stored files' checksum would change.
     */
    private static void rollbackJournal(Path copy) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        try (Connection c = config.createConnection("jdbc:sqlite:" + copy); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE");
        }
    }

    private static long dataVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The copy's file name: the source's, anything but letters, digits, {@code . _ -} replaced. */
    static String copyName(Path source) {
        String n = source.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return n.isBlank() || n.startsWith(".") ? "database" + n : n;
    }

    @Override
    public Verification verify(BackupTarget t, Backup b) throws BackupFailure {
        Path dir = Path.of(b.location());
        try {
            String sum = StoredFiles.sha256(dir);
            if (b.checksum() != null && !b.checksum().equals(sum)) {
                return new Verification(false, "checksum mismatch: the files of backup " + b.backupId()
                        + " changed since it was taken (recorded " + b.checksum() + ", now " + sum + ")");
            }
            Check c = check(copyOf(dir), SqliteRowCounts.read(dir));
            return new Verification(c.ok(), "files unchanged (SHA-256); " + c.detail());
        } catch (IOException e) {
            throw new BackupFailure("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The result of checking a copy: integrity and row counts. */
    private record Check(boolean ok, String detail, Map<String, Object> checks) {
    }

    /** {@code PRAGMA integrity_check} and the row counts of a copy (opened read-only) against the recorded ones. */
    private static Check check(Path copy, SqliteRowCounts.Recorded recorded) {
        Map<String, Object> checks = new LinkedHashMap<>();
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        try (Connection c = config.createConnection("jdbc:sqlite:" + copy)) {
            List<String> integrity = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    integrity.add(rs.getString(1));
                }
            }
            boolean intact = integrity.equals(List.of("ok"));
            checks.put("database_opens", true);
            checks.put("integrity_check", intact ? "ok" : String.join("; ", integrity));
            Map<String, Long> counts = SqliteRowCounts.read(c);
            checks.put("row_counts", counts);
            TableChecksums.Comparison cmp = SqliteRowCounts.compare(recorded, counts);
            checks.put("tables_compared", cmp.tables());
            checks.put("row_counts_equal", cmp.equal());
            checks.put("copied_by", recorded.copiedBy());
            checks.put("comparable", recorded.comparable());
            String detail = "integrity_check " + (intact ? "ok" : "failed: " + checks.get("integrity_check")) + "; "
                    + cmp.detail();
            return new Check(intact && cmp.equal(), detail, checks);
        } catch (SQLException e) {
            checks.put("database_opens", false);
            return new Check(false, "the copy " + copy + " does not open as a SQLite database: " + e.getMessage(),
                    checks);
        }
    }

    /** The copied database file of a backup directory. */
    private static Path copyOf(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().equals(SqliteRowCounts.FILE))
                    .filter(p -> !p.getFileName().toString().matches(".*-(wal|shm|journal)")).findFirst()
                    .orElseThrow(() -> new IOException("no database copy in " + dir));
        }
    }

    @Override
    public RestoreCheck restoreAndCheck(BackupTarget t, Backup backup, Path work, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        try {
            Path dir = Path.of(backup.location());
            SqliteRowCounts.Recorded recorded = SqliteRowCounts.read(dir);
            Path source = copyOf(dir);
            Path data = work.resolve("data");
            StoredFiles.directory(work.getParent(), Optional.empty());
            StoredFiles.directory(work, Optional.empty());
            StoredFiles.directory(data, Optional.empty());
            Instant t0 = Instant.now();
            Path restored = Files.copy(source, data.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Check c = check(restored, recorded);
            long rto = Duration.between(t0, Instant.now()).toMillis();
            Map<String, Object> checks = new LinkedHashMap<>(c.checks());
            checks.put("restored_file", restored.toString());
            LOG.infof("Backup %s of %s restored into scratch file %s: RTO %d ms, %s", backup.backupId(),
                    backup.databaseId(), restored, rto, c.detail());
            return new RestoreCheck(c.ok(), rto, checks, c.detail());
        } catch (IOException e) {
            throw new BackupFailure("restore of backup " + backup.backupId() + " into a scratch file failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void restore(BackupTarget t, Backup backup, Path dataDir, Optional<Instant> targetTime, BooleanSupplier stop,
                        Instant deadline) throws BackupFailure {
        throw new BackupFailure("a sqlite_vacuum_into backup is restored into a scratch file by the restore operation "
                + "itself (restoreAndCheck), not into a PostgreSQL data directory");
    }

    /** A new backup's name: UTC time and a short random suffix. */
    private static String newName() {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
