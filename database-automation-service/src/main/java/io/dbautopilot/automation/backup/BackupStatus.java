package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a backup is in its life: running, completed (and verified), failed, expired by retention, or corrupt. */
public enum BackupStatus {
    RUNNING, COMPLETED, FAILED, EXPIRED, CORRUPT;

    /** Lower-case stored/wire name. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; empty when unknown. */
    public static Optional<BackupStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(v -> v.wire().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
