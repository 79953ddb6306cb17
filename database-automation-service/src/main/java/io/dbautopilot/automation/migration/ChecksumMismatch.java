package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An applied migration whose script changed since it was applied (never repaired by this service).
 *
 * @param version          migration version
 * @param script           script name
 * @param file             the file on disk
 * @param appliedChecksum  checksum recorded in the history table when it was applied
 * @param resolvedChecksum checksum of the file now
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChecksumMismatch(String version, String script, String file, Integer appliedChecksum,
                               Integer resolvedChecksum) {
}
