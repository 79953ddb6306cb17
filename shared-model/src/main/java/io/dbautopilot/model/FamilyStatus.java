package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Outcome of one metric family within a collection cycle. */
public enum FamilyStatus {
    /** Collected. */
    RAN,
    /** Not attempted (disabled, not due, extension missing); the reason is in the detail. */
    SKIPPED,
    /** Attempted and failed; the error is in the detail. */
    FAILED,
    /** The source is not available on this target (e.g. version too old, no permission). */
    UNAVAILABLE;

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
     * @param text the name, e.g. {@code "ran"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static FamilyStatus fromWire(String text) {
        return WireEnums.fromWire(FamilyStatus.class, text);
    }
}
