package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** One backup tool driven by the service: takes, verifies, removes and restores backups of a target. */
public interface BackupEngine {

    /** Which engine this is. */
    EngineKind kind();

    /** The database engines whose targets it backs up (PostgreSQL unless it says otherwise). */
    default java.util.Set<io.dbautopilot.model.Engine> databaseEngines() {
        return java.util.Set.of(io.dbautopilot.model.Engine.POSTGRESQL);
    }

    /** Why this engine cannot take a backup of this type of this target; empty when it can. */
    Optional<String> unsupported(BackupTarget target, BackupType type);

    /**
     * Takes a backup on the calling worker thread, reporting progress from the tool's own output; stops the tool
     * when {@code stop} fires or the deadline passes.
     */
    EngineResult backup(BackupTarget target, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure;

    /** Verifies a stored backup with the engine's own verifier (and the recorded checksum where there is one). */
    Verification verify(BackupTarget target, Backup backup) throws BackupFailure;

    /** Removes a backup's files (retention); pgBackRest removes its backups itself with {@code expire}. */
    void remove(BackupTarget target, Backup backup) throws BackupFailure;

    /** Removes what an interrupted backup left behind. */
    void cleanPartial(BackupTarget target, Backup backup);

    /**
     * Restores a backup into {@code dataDir} (existing and empty, owned by the cluster's OS user) so that a
     * PostgreSQL server can start on it; {@code targetTime} asks for point-in-time recovery where supported.
     */
    void restore(BackupTarget target, Backup backup, Path dataDir, Optional<Instant> targetTime, BooleanSupplier stop,
                 Instant deadline) throws BackupFailure;

    /** Progress reported while a backup runs: percent (0-100), bytes done and total when the tool says. */
    @FunctionalInterface
    interface Progress {
        void report(double percent, Long bytesDone, Long bytesTotal);

        /** Where the backup is being written, told before the tool starts (an interrupted one is cleaned up there). */
        default void location(String path) {
        }
    }

    /**
     * What a finished backup is.
     *
     * @param type        the type actually taken (pgBackRest turns the first incremental into a full)
     * @param label       the engine's name of it
     * @param parentLabel the label of the backup it depends on, if any
     * @param location    where it is stored
     * @param sizeBytes   database bytes it holds
     * @param storedBytes bytes it occupies
     * @param walStart    first WAL segment
     * @param walStop     last WAL segment
     * @param lsnStart    start LSN
     * @param lsnStop     stop LSN
     * @param checksum    checksum of the stored files, for verification
     */
    record EngineResult(BackupType type, String label, String parentLabel, String location, Long sizeBytes,
                        Long storedBytes, String walStart, String walStop, String lsnStart, String lsnStop,
                        String checksum) {
    }

    /** Outcome of a verification: valid, or corrupt with what was found. */
    record Verification(boolean valid, String detail) {
    }

    /** A backup step failed; the message says what to do. */
    class BackupFailure extends Exception {
        public BackupFailure(String message) {
            super(message);
        }

        public BackupFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
