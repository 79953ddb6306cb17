package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Kind of backup: physical full / differential (since the last full) / incremental (since the last backup), or logical. */
public enum BackupType {
    FULL, DIFFERENTIAL, INCREMENTAL, LOGICAL;

    /** Lower-case stored/wire name. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name (also pgBackRest's {@code diff}/{@code incr}); empty when unknown. */
    public static Optional<BackupType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("diff")) {
            return Optional.of(DIFFERENTIAL);
        }
        if (t.equals("incr")) {
            return Optional.of(INCREMENTAL);
        }
        return Arrays.stream(values()).filter(v -> v.wire().equals(t)).findFirst();
    }
}
