package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * The result of validating the applied migrations against the scripts (checksums, missing or failed migrations).
 *
 * @param databaseName        the managed database id
 * @param valid               whether a migration run may proceed
 * @param checksumMismatches  applied scripts that changed, with both checksums
 * @param errors              every other validation error, as Flyway words it
 * @param whatToDo            how to resolve it (this service never repairs checksums itself)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ValidationReport(String databaseName, boolean valid, List<ChecksumMismatch> checksumMismatches,
                               List<String> errors, String whatToDo) {

    /** One sentence for operation records and problem details. */
    public String summary() {
        StringBuilder b = new StringBuilder("validation of " + databaseName + " failed:");
        for (ChecksumMismatch m : checksumMismatches) {
            b.append(" checksum mismatch of version ").append(m.version()).append(" (").append(m.file())
                    .append("): applied ").append(m.appliedChecksum()).append(", file now ").append(m.resolvedChecksum()).append(';');
        }
        for (String e : errors) {
            b.append(' ').append(e).append(';');
        }
        return b.append(' ').append(whatToDo).toString();
    }
}
