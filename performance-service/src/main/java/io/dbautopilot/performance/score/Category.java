package io.dbautopilot.performance.score;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The eight health categories and their weight in the overall score (weights add up to 100). */
public enum Category {
    CONNECTIVITY(20),
    CONNECTION_POOL(10),
    QUERY_PERFORMANCE(15),
    SCHEMA_INTEGRITY(10),
    TRANSACTIONS(15),
    STORAGE(15),
    BACKUP_STATUS(10),
    SECURITY(5);

    private final int weight;

    Category(int weight) {
        this.weight = weight;
    }

    /** Weight in the overall score, out of 100. */
    public int weight() {
        return weight;
    }

    /** Lower-case wire name, e.g. {@code connection_pool}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
