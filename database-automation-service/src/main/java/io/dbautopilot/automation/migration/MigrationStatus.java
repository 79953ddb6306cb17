package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One migration of one managed database, as {@code GET /api/migrations} shows it.
 *
 * @param migrationId       {@code <database id>:<version>} ({@code <database id>:R:<description>} for repeatable ones)
 * @param databaseName      the managed database id
 * @param version           migration version; null for repeatable migrations
 * @param description       from the file name
 * @param script            the script file name
 * @param status            {@code pending}, {@code completed}, {@code failed} or {@code undone}
 * @param appliedAt         when it was applied (completed/failed), or undone (undone); null when pending
 * @param checksum          Flyway's CRC32 checksum (of the applied script once applied, else of the file)
 * @param rollbackAvailable whether an undo script {@code U<version>__*.sql} exists for it
 * @param error             the error of the last failed attempt, when failed
 * @param flywayState       Flyway's own state name (e.g. {@code Success}, {@code Pending}, {@code Deleted})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MigrationStatus(String migrationId, String databaseName, String version, String description,
                              String script, String status, Instant appliedAt, Integer checksum,
                              boolean rollbackAvailable, String error, String flywayState) {
}
