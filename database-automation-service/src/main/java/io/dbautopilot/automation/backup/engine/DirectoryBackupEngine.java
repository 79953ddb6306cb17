package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A backup engine whose backup is the directory at its {@code location} and nothing else (mariadb-dump, mariadb-backup,
 * redis_rdb, sqlite_vacuum_into): removing it, or what a failed run left, is removing that directory.
 */
public interface DirectoryBackupEngine extends BackupEngine {

    @Override
    default void remove(BackupTarget target, Backup backup) throws BackupFailure {
        try {
            StoredFiles.delete(Path.of(backup.location()));
        } catch (IOException e) {
            throw new BackupFailure("cannot remove " + backup.location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    default void cleanPartial(BackupTarget target, Backup backup) {
        if (backup.location() != null) {
            StoredFiles.deleteQuietly(Path.of(backup.location()));
        }
    }
}
