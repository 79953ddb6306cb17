package io.dbautopilot.automation.policy;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** When a policy lets an operation run. */
public enum Mode {
    /** Now. */
    AUTO,
    /** In the database's next maintenance window. */
    WINDOW,
    /** After an operator approved it through the API. */
    APPROVAL,
    /** Never: the anomaly is recorded, no operation is created. */
    OFF;

    /** Lower-case wire name. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; empty when unknown. */
    public static Optional<Mode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(m -> m.wire().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
