package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A backup engine whose backups are restored into a scratch server of their own engine (MariaDB, Redis) under the
 * restore's directory, checked against what the backup recorded and stopped, instead of into a PostgreSQL data
 * directory; restores and drills of its backups go through {@link #restoreAndCheck}.
 */
public interface ScratchRestoring {

    /** The outcome of a restore into a scratch server: equal to the source or not, the RTO and what was checked. */
    record RestoreCheck(boolean equal, long rtoMillis, Map<String, Object> checks, String detail) {
    }

    /**
     * Restores the backup under {@code work}, starts a scratch server on it, compares it with what the backup recorded
     * and stops the server before returning. RTO = start of the restore → server ready.
     */
    RestoreCheck restoreAndCheck(BackupTarget t, Backup backup, Path work, BooleanSupplier stop, Instant deadline)
            throws BackupEngine.BackupFailure;
}
