package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Risk of applying a recommendation to a live database. */
public enum Risk {
    /** Safe online, little lock impact. */
    LOW,
    /** Takes locks or load; best in a maintenance window. */
    MEDIUM,
    /** Can block the workload or is hard to undo; needs approval. */
    HIGH;

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
     * @param text the name, e.g. {@code "medium"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static Risk fromWire(String text) {
        return WireEnums.fromWire(Risk.class, text);
    }
}
