package io.dbautopilot.automation.backup.restore;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A restore (or restore drill) of a backup into a new data directory on its own port ({@code automation.restore}).
 *
 * @param restoreId     identity
 * @param backupId      the backup restored
 * @param databaseId    managed database the backup is of
 * @param kind          restore (kept running for the operator) or drill (checked, stopped and removed)
 * @param status        pending, running, succeeded, failed, or removed (stopped and deleted afterwards)
 * @param operationId   the operation that runs it
 * @param dataDirectory where it was restored
 * @param port          the port the restored server listens on (127.0.0.1)
 * @param targetTime    point in time recovered to (pgBackRest), null = the backup's end
 * @param keepRunning   whether the server stays up after the checks
 * @param startedAt     start
 * @param finishedAt    end
 * @param rtoMillis     measured recovery time: from the start of the restore to the server accepting writes
 * @param checks        results of the checks (database opens, row counts, amcheck)
 * @param error         why it failed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Restore(UUID restoreId, UUID backupId, String databaseId, String kind, String status, UUID operationId,
                      String dataDirectory, Integer port, Instant targetTime, boolean keepRunning, Instant startedAt,
                      Instant finishedAt, Long rtoMillis, Map<String, Object> checks, String error) {
}
