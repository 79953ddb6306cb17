package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How far the automation service may act on a target on its own (DESIGN.md, "Trust"). */
public enum Trust {
    /** Decisions are recorded and published as {@code would_run}; nothing touches the target. */
    OBSERVE,
    /** Every operation waits for an operator's approval. */
    APPROVE,
    /** Policy modes apply (auto, window, approval, off per rule). */
    AUTO;

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
     * @param text the name, e.g. {@code "observe"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static Trust fromWire(String text) {
        return WireEnums.fromWire(Trust.class, text);
    }
}
