package io.dbautopilot.performance.detect.lifecycle;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where an anomaly stands: breaching but not yet for long enough, open (published), or resolved. */
public enum AnomalyStatus {
    /** The condition holds but not yet for the rule's {@code for} duration; nothing published. */
    PENDING,
    /** Opened (and maybe escalated); published. */
    OPEN,
    /** Back past the resolve bound, or the object is gone; published. */
    RESOLVED;

    /** Lower-case wire and database form. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the lower-case form; null if unknown. */
    public static AnomalyStatus parse(String text) {
        for (AnomalyStatus s : values()) {
            if (s.wire().equalsIgnoreCase(text)) {
                return s;
            }
        }
        return null;
    }
}
