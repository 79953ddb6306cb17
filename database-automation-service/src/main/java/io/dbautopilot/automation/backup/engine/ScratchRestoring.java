package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A backup engine whose backups are restored as one step into a scratch copy of their own engine under the
 * restore's directory (MariaDB, Redis: a scratch server, stopped afterwards; SQLite: a scratch file), checked against
 * what the backup recorded, instead of into a PostgreSQL data directory; restores and drills go through
 * {@link #restoreAndCheck}.
 */
public interface ScratchRestoring {

    /** The outcome of a restore into a scratch server: equal to the source or not, the RTO and what was checked. */
    record RestoreCheck(boolean equal, long rtoMillis, Map<String, Object> checks, String detail) {
    }

    /**
     * Restores the backup under {@code work}, opens it (a scratch server, stopped before returning, or a scratch file)
     * and compares it with what the backup recorded. RTO = start of the restore → the copy usable.
     */
    RestoreCheck restoreAndCheck(BackupTarget t, Backup backup, Path work, BooleanSupplier stop, Instant deadline)
            throws BackupEngine.BackupFailure;
}
