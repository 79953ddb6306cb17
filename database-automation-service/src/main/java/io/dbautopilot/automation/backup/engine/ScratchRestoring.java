package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A backup engine whose restores and drills run as one step: the backup restored under a work directory, opened
 * (a scratch server, a scratch file), checked against what was recorded at backup time, closed.
 */
public interface ScratchRestoring {

    /** The outcome of a restore into a scratch copy: contents equal or not, the RTO and what was checked. */
    record RestoreCheck(boolean equal, long rtoMillis, Map<String, Object> checks, String detail) {
    }

    /**
     * Restores the backup under {@code work} (its data in {@code work/data}, left for the caller to keep or remove),
     * opens it and compares it with what was recorded at backup time. RTO = start of the restore → copy usable.
     */
    RestoreCheck restoreAndCheck(BackupTarget t, Backup backup, Path work, BooleanSupplier stop, Instant deadline)
            throws BackupEngine.BackupFailure;
}
