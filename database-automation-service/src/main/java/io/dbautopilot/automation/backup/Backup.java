package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.UUID;

/**
 * One backup as stored in the catalog ({@code automation.backup}) and returned by {@code /api/backups}.
 *
 * @param backupId        identity
 * @param databaseId      managed database id ({@code autopilot.databases.<id>})
 * @param databaseName    PostgreSQL database name of that target
 * @param backupType      full, differential, incremental or logical
 * @param engine          pgbackrest, pg_basebackup or pg_dump
 * @param status          running, completed, failed, expired or corrupt
 * @param operationId     the operation that took it (null for a direct {@link BackupService#backupNow} call outside one)
 * @param reason          why it was taken
 * @param label           the engine's own name (pgBackRest backup label, directory name otherwise)
 * @param parentId        the backup it depends on (differential/incremental), null for full and logical
 * @param location        where it is stored (repository path or directory / file)
 * @param sizeBytes       size of the database data it holds
 * @param storedBytes     bytes it occupies in the repository (compressed, only its own files)
 * @param walStart        first WAL segment needed
 * @param walStop         last WAL segment needed
 * @param lsnStart        start LSN
 * @param lsnStop         stop LSN
 * @param checksum        SHA-256 of the stored files (pg_basebackup / pg_dump) or the pgBackRest manifest checksum
 * @param progressPercent progress of a running backup, from the tool's own output
 * @param progressBytes   bytes done of a running backup, where the tool reports them
 * @param backupMillis    how long the engine's backup step took (the tool run and reading its result)
 * @param verifyMillis    how long the last verification took
 * @param createdAt       start
 * @param completedAt     end of a completed backup
 * @param verifiedAt      last verification
 * @param verification    outcome of the last verification
 * @param expiredAt       when retention removed it
 * @param error           why it failed or is corrupt
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Backup(UUID backupId, String databaseId, String databaseName, BackupType backupType, EngineKind engine,
                     BackupStatus status, UUID operationId, String reason, String label, UUID parentId, String location,
                     Long sizeBytes, Long storedBytes, String walStart, String walStop, String lsnStart, String lsnStop,
                     String checksum, Double progressPercent, Long progressBytes, Long backupMillis, Long verifyMillis, Instant createdAt, Instant completedAt,
                     Instant verifiedAt, String verification, Instant expiredAt, String error) {

    /** Size in GB (10^9 bytes), three decimals. */
    @JsonProperty("size_gb")
    public Double sizeGb() {
        return sizeBytes == null ? null : Math.round(sizeBytes / 1e6) / 1000.0;
    }
}
