package io.dbautopilot.automation.database;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * One managed database as shown by {@code GET /api/databases}.
 *
 * @param id                configured id
 * @param databaseName      database name on the server, the file's path for SQLite (null when unreachable)
 * @param status            {@code reachable}, {@code unreachable} or {@code unavailable} (not managed here)
 * @param error             why it is unreachable, or {@code unavailable: <reason>} naming the target's field
 * @param serverVersion     {@code server_version}
 * @param connectionCount   backends connected to the database
 * @param activeQueries     backends running a query
 * @param slowQueries       queries running longer than the slow-query threshold
 * @param cacheHitRatio     blks_hit / (blks_hit + blks_read) since the statistics reset; null without reads
 * @param diskUsageGb       database size in GB (10^9 bytes)
 * @param lastBackup        completion time of the newest completed backup (automation.backup)
 * @param lastOptimization  last successful operation of this service on it
 * @param lastMaintenance   last successful VACUUM/ANALYZE/REINDEX (by anyone) on any table, from pg_stat_user_tables
 * @param schemaVersion     schema version managed by this service; null until migrations exist (see notes)
 * @param maintenanceWindows configured windows
 * @param windowOpen        whether a window is open now
 * @param notes             what could not be reported and why
 * @param trust             {@code observe}, {@code approve} or {@code auto}; null when unavailable
 * @param source            {@code properties}, {@code registry} or {@code registry+properties}; null when unavailable
 * @param engine            {@code postgresql}, {@code mysql}, {@code mariadb}, {@code redis} or {@code sqlite}; null when
 *                          unavailable
 * @param capabilities      per capability (maintenance, sessions, index_changes, partitions, backups, migrations,
 *                          tuning): {@code available} or {@code unavailable: <reason>}; empty when unavailable
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DatabaseStatus(String id, String databaseName, String status, String error, String serverVersion,
                             Integer connectionCount, Integer activeQueries, Integer slowQueries, Double cacheHitRatio,
                             Double diskUsageGb, Instant lastBackup, Instant lastOptimization, Instant lastMaintenance,
                             String schemaVersion, List<String> maintenanceWindows, boolean windowOpen, List<String> notes,
                             String trust, String source, String engine, java.util.Map<String, String> capabilities) {
}
