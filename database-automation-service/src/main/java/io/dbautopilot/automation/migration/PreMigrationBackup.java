package io.dbautopilot.automation.migration;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Takes a backup of a managed database right before migrations are applied; the migration run records what it
 * returns. The backup capability provides it (io.dbautopilot.automation.backup.PreMigrationBackups: a cataloged
 * pg_dump); {@link PgDumpPreMigrationBackup} is the default bean and that bean's fallback.
 */
public interface PreMigrationBackup {

    /**
     * A finished, verified backup.
     *
     * @param method    how it was taken, e.g. {@code pg_dump}
     * @param location  where it is (a file path, a backup id)
     * @param sizeBytes its size
     * @param details   anything else worth recording (e.g. the verification)
     */
    record Backup(String method, String location, long sizeBytes, Map<String, Object> details) {
    }

    /**
     * Backs the database up within {@code autopilot.migrations.backup.timeout}, stopping (and killing the dump) as soon
     * as {@code stop} answers true or the calling thread is interrupted; throws {@link BackupFailedException} saying
     * why when it cannot.
     */
    Backup backup(String databaseId, String label, BooleanSupplier stop) throws BackupFailedException;

    /** {@link #backup(String, String, BooleanSupplier)} stopped only by its timeout or an interrupt. */
    default Backup backup(String databaseId, String label) throws BackupFailedException {
        return backup(databaseId, label, () -> false);
    }

    /** A backup could not be taken or verified; the migration does not run. */
    class BackupFailedException extends Exception {
        public BackupFailedException(String message) {
            super(message);
        }
    }
}
