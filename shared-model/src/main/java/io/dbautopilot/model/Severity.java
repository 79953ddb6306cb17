package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** How bad an anomaly is, in increasing order; serialised in lower case. */
public enum Severity {
    /** Worth knowing; no action expected. */
    INFO,
    /** Degrading; act within the maintenance window. */
    WARNING,
    /** Hurting the workload now; act soon. */
    CRITICAL,
    /** Outage or data at risk; act immediately. */
    EMERGENCY;

    /**
     * The JSON form of this constant.
     *
     * @return the constant's name in lower case
     */
    @JsonValue
    public String wire() {
        return WireEnums.toWire(this);
    }

    /**
     * Parses the JSON form, in either case.
     *
     * @param text the name, e.g. {@code "warning"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static Severity fromWire(String text) {
        return WireEnums.fromWire(Severity.class, text);
    }

    /**
     * Whether this severity is the same as or worse than another.
     *
     * @param other the severity to compare with
     * @return true if {@code this >= other}
     */
    public boolean atLeast(Severity other) {
        return compareTo(Objects.requireNonNull(other, "other")) >= 0;
    }
}
