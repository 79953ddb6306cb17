package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.mysql.MySqlConnections;
import io.dbautopilot.model.Engine;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * What the MariaDB backup engines share: the source's {@code CHECKSUM TABLE}s before and after a backup, and the
 * verification of a stored backup by its SHA-256, a restore into a scratch MariaDB server and a comparison of the
 * checksums; restore drills run the same restore and record its RTO.
 */
public abstract class MariaDbEngineBase implements DirectoryBackupEngine, ScratchRestoring {

    private static final Logger LOG = Logger.getLogger(MariaDbEngineBase.class);
    /** How long a verification's restore may take (the verification itself has no operation budget). */
    static final Duration VERIFY_BUDGET = Duration.ofHours(2);
    /** Lock wait of the checksum session (CHECKSUM TABLE takes a shared metadata lock). */
    private static final long CHECKSUM_LOCK_WAIT_MS = 60_000;

    protected final BackupTools tools;

    protected MariaDbEngineBase(BackupTools tools) {
        this.tools = tools;
    }

    @Override
    public Set<Engine> databaseEngines() {
        return Set.of(Engine.MYSQL, Engine.MARIADB);
    }

    /**
     * Restores the backup (with its chain) under {@code work} and starts a scratch server on it, loaded and ready for
     * the checksum comparison; {@code work/data} is its data directory.
     */
    protected abstract ScratchMariaDb restoreAndStart(BackupTarget t, Backup backup, Path work,
                                                      Map<String, Object> checks, BooleanSupplier stop, Instant deadline)
            throws BackupFailure, IOException;

    /** The backup and every backup it depends on, oldest (the full) first; the checks of each are verified too. */
    protected java.util.List<Backup> chain(Backup backup) throws BackupFailure {
        return java.util.List.of(backup);
    }

    /** {@code CHECKSUM TABLE} of every base table of the target's database, no statement time limit. */
    protected Map<String, String> sourceChecksums(BackupTarget t) throws BackupFailure {
        try (Connection c = t.connector().open()) {
            MySqlConnections.limit(c, 0, CHECKSUM_LOCK_WAIT_MS);
            return TableChecksums.source(c, t.database());
        } catch (SQLException e) {
            throw new BackupFailure("cannot read the table checksums of '" + t.databaseId() + "': " + e.getMessage(), e);
        }
    }

    /** Bytes of data and indexes in the given schema (null: every schema) of the source, 0 when unreadable. */
    protected static long dataSize(BackupTarget t, String schema) {
        String sql = "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES"
                + (schema == null ? "" : " WHERE TABLE_SCHEMA = ?");
        try (Connection c = t.connector().open(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (schema != null) {
                ps.setString(1, schema);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return 0;
        }
    }

    @Override
    public Verification verify(BackupTarget t, Backup backup) throws BackupFailure {
        for (Backup b : chain(backup)) {
            Path dir = Path.of(b.location());
            if (!Files.isDirectory(dir)) {
                return new Verification(false, "backup directory " + dir + " is missing"
                        + (b == backup ? "" : " (of backup " + b.backupId() + " this one depends on)"));
            }
            try {
                String sum = StoredFiles.sha256(dir);
                if (b.checksum() != null && !b.checksum().equals(sum)) {
                    return new Verification(false, "checksum mismatch: the files of backup " + b.backupId()
                            + " changed since it was taken (recorded " + b.checksum() + ", now " + sum + ")");
                }
            } catch (IOException e) {
                throw new BackupFailure("cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        Path work = t.home().resolve("verify").resolve(UUID.randomUUID().toString());
        try {
            RestoreCheck r = restoreAndCheck(t, backup, work, () -> false, Instant.now().plus(VERIFY_BUDGET));
            return new Verification(r.equal(), "files unchanged (SHA-256); restored into a scratch server in "
                    + r.rtoMillis() + " ms; " + r.detail());
        } catch (BackupFailure e) {
            // the files are as taken, yet they do not restore: the backup is not usable
            return new Verification(false, "files unchanged (SHA-256), but the restore into a scratch server failed: "
                    + e.getMessage());
        } finally {
            StoredFiles.deleteQuietly(work);
        }
    }

    /**
     * Restores the backup under {@code work}, starts a scratch server on it and compares every table's
     * {@code CHECKSUM TABLE} with the source's at backup time; the server is stopped before this returns
     * ({@code work/data} stays for the caller to keep or remove). RTO = start of the restore → server ready.
     */
    @Override
    public RestoreCheck restoreAndCheck(BackupTarget t, Backup backup, Path work, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        Map<String, Object> checks = new LinkedHashMap<>();
        try {
            TableChecksums.Recorded recorded = TableChecksums.read(Path.of(backup.location()));
            StoredFiles.directory(work.getParent(), java.util.Optional.empty());
            StoredFiles.directory(work, java.util.Optional.empty());
            Instant t0 = Instant.now();
            try (ScratchMariaDb server = restoreAndStart(t, backup, work, checks, stop, deadline)) {
                long rto = Duration.between(t0, Instant.now()).toMillis();
                checks.put("database_opens", true);
                Map<String, String> restored = server.checksums(recorded.database(), recorded.tables().keySet(),
                        stop, deadline);
                TableChecksums.Comparison c = TableChecksums.compare(recorded, restored);
                checks.put("tables_compared", c.tables());
                checks.put("checksums_equal", c.equal());
                if (!recorded.changedDuringBackup().isEmpty()) {
                    checks.put("changed_during_backup", recorded.changedDuringBackup());
                }
                if (!c.equal()) {
                    checks.put("checksum_detail", c.detail());
                }
                LOG.infof("Backup %s of %s restored into a scratch server: RTO %d ms, %s", backup.backupId(),
                        backup.databaseId(), rto, c.detail());
                return new RestoreCheck(c.equal(), rto, checks, c.detail());
            }
        } catch (IOException e) {
            throw new BackupFailure("restore of backup " + backup.backupId() + " into a scratch server failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void restore(BackupTarget t, Backup backup, Path dataDir, java.util.Optional<Instant> targetTime,
                        BooleanSupplier stop, Instant deadline) throws BackupFailure {
        throw new BackupFailure("a " + kind().wire() + " backup is restored into a scratch MariaDB server by the "
                + "restore operation itself (restoreAndCheck), not into a PostgreSQL data directory");
    }

    /** A private directory for the option file of one tool run. */
    protected static Path optionDir(BackupTarget t) {
        return t.home().resolve("tmp");
    }

    /** A new backup's name: UTC time and a short random suffix. */
    protected static String newName() {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
