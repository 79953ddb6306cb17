package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.MariaDbDumpEngine;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.migration.MigrationsConfig;
import io.dbautopilot.model.Engine;
import io.dbautopilot.automation.migration.PgDumpPreMigrationBackup;
import io.dbautopilot.automation.migration.PreMigrationBackup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Pre-migration backups through the backup capability: a logical {@code pg_dump} of the database (a SQLite file: a
 * {@code VACUUM INTO} copy), verified and kept
 * in the backup catalog (so it shows in {@code GET /api/backups} and follows retention). When the capability cannot
 * take it, the migration's own {@code pg_dump} into {@code autopilot.migrations.backup.directory} is the fallback,
 * with the reason recorded on the run. A MySQL / MariaDB target gets a {@code mariadb-dump --single-transaction}
 * through the capability, verified by a restore into a scratch server with equal {@code CHECKSUM TABLE}s; it has no
 * fallback (the migration does not run without it).
 */
@ApplicationScoped
public class PreMigrationBackups implements PreMigrationBackup {

    private static final Logger LOG = Logger.getLogger(PreMigrationBackups.class);

    private final BackupService backups;
    private final PgDumpPreMigrationBackup fallback;
    private final MigrationsConfig config;
    private final ManagedDatabases databases;

    public PreMigrationBackups(BackupService backups, PgDumpPreMigrationBackup fallback, MigrationsConfig config,
                               ManagedDatabases databases) {
        this.databases = databases;
        this.backups = backups;
        this.fallback = fallback;
        this.config = config;
    }

    @Override
    public Backup backup(String databaseId, String label, BooleanSupplier stop) throws BackupFailedException {
        io.dbautopilot.automation.backup.Backup b;
        BooleanSupplier stopped = () -> stop.getAsBoolean() || Thread.currentThread().isInterrupted();
        Instant giveUp = Instant.now().plus(config.backupTimeout());
        if (databases.engineOf(databaseId).filter(e -> e == Engine.SQLITE).isPresent()) {
            return sqlite(databaseId, label, stop);
        }
        if (databases.engineOf(databaseId).filter(e -> e != Engine.POSTGRESQL).isPresent()) {
            return mariaDbDump(databaseId, label, stopped);
        }
        try {
            b = backups.backupNow(databaseId, BackupType.LOGICAL, EngineKind.PG_DUMP, "before migration: " + label,
                    stopped, config.backupTimeout());
        } catch (BackupService.BackupException e) {
            if (stopped.getAsBoolean()) {
                throw new BackupFailedException("pre-migration backup of " + databaseId + " cancelled: " + e.getMessage());
            }
            if (!Instant.now().isBefore(giveUp)) { // the fallback would not finish in time either
                throw new BackupFailedException("pre-migration backup of " + databaseId + " timed out after "
                        + config.backupTimeout().toSeconds() + "s (autopilot.migrations.backup.timeout): " + e.getMessage());
            }
            LOG.warnf("Pre-migration backup of %s through the backup capability failed (%s); taking the migration's own pg_dump",
                    databaseId, e.getMessage());
            Backup own = fallback.backup(databaseId, label, stop);
            Map<String, Object> details = new LinkedHashMap<>(own.details());
            details.put("catalog_backup_failed", e.getMessage());
            return new Backup(own.method(), own.location(), own.sizeBytes(), details);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backup_id", b.backupId().toString());
        details.put("catalog", "GET /api/backups/" + b.backupId());
        details.put("verified_by", "pg_restore --list");
        details.put("verification", b.verification());
        details.put("checksum", b.checksum());
        Path file = Path.of(b.location()).resolve(b.databaseName() + ".pgdump");
        details.put("restore_with", "pg_restore --dbname=<new database> " + file);
        return new Backup("pg_dump", file.toString(), b.storedBytes() == null ? 0 : b.storedBytes(), details);
    }

    /** A cataloged, restore-verified mariadb-dump of a MySQL / MariaDB target. */
    private Backup mariaDbDump(String databaseId, String label, BooleanSupplier stopped) throws BackupFailedException {
        io.dbautopilot.automation.backup.Backup b;
        try {
            b = backups.backupNow(databaseId, BackupType.LOGICAL, EngineKind.MARIADB_DUMP, "before migration: " + label,
                    stopped, config.backupTimeout());
        } catch (BackupService.BackupException e) {
            throw new BackupFailedException("pre-migration mariadb-dump of " + databaseId
                    + (stopped.getAsBoolean() ? " cancelled: " : " failed: ") + e.getMessage());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backup_id", b.backupId().toString());
        details.put("catalog", "GET /api/backups/" + b.backupId());
        details.put("verified_by", "restore into a scratch server, CHECKSUM TABLE compared");
        details.put("verification", b.verification());
        details.put("checksum", b.checksum());
        Path file = Path.of(b.location()).resolve(MariaDbDumpEngine.dumpName(b.databaseName()));
        details.put("restore_with", "mariadb --database=<new database> < " + file);
        return new Backup("mariadb-dump", file.toString(), b.storedBytes() == null ? 0 : b.storedBytes(), details);
    }

    /**
     * A SQLite file's pre-migration backup: a cataloged {@code VACUUM INTO} copy, verified by integrity_check and row
     * counts; there is no fallback (pg_dump cannot read a SQLite file).
     */
    private Backup sqlite(String databaseId, String label, BooleanSupplier stop) throws BackupFailedException {
        BooleanSupplier stopped = () -> stop.getAsBoolean() || Thread.currentThread().isInterrupted();
        io.dbautopilot.automation.backup.Backup b;
        try {
            b = backups.backupNow(databaseId, BackupType.FULL, EngineKind.SQLITE_VACUUM_INTO,
                    "before migration: " + label, stopped, config.backupTimeout());
        } catch (BackupService.BackupException e) {
            throw new BackupFailedException("pre-migration backup of " + databaseId + (stopped.getAsBoolean()
                    ? " cancelled: " : " (sqlite_vacuum_into) failed: ") + e.getMessage());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backup_id", b.backupId().toString());
        details.put("catalog", "GET /api/backups/" + b.backupId());
        details.put("verified_by", "PRAGMA integrity_check and per-table row counts");
        details.put("verification", b.verification());
        details.put("checksum", b.checksum());
        details.put("restore_with", "stop the application, then copy the file in " + b.location()
                + " over the database file");
        return new Backup(EngineKind.SQLITE_VACUUM_INTO.wire(), b.location(),
                b.storedBytes() == null ? 0 : b.storedBytes(), details);
    }
}
