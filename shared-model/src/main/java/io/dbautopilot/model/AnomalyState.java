package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle state of an anomaly; each state change is published on the anomalies topic. */
public enum AnomalyState {
    /** First detected. */
    OPENED,
    /** Still open and now more severe. */
    ESCALATED,
    /** No longer observed. */
    RESOLVED;

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
     * @param text the name, e.g. {@code "opened"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static AnomalyState fromWire(String text) {
        return WireEnums.fromWire(AnomalyState.class, text);
    }
}
