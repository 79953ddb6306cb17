package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle state of a recommendation. */
public enum RecommendationState {
    /** First derived. */
    RAISED,
    /** Evidence or advice changed. */
    UPDATED,
    /** No longer applies. */
    WITHDRAWN;

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
     * @param text the name, e.g. {@code "raised"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static RecommendationState fromWire(String text) {
        return WireEnums.fromWire(RecommendationState.class, text);
    }
}
