package io.dbautopilot.performance.detect.rules;

/** How a rule compares a value with its thresholds: {@code >} fires above, {@code <} fires below. */
public enum Comparison {
    /** Fires when the value is above the threshold; resolves at or below the resolve bound. */
    ABOVE(">"),
    /** Fires when the value is below the threshold; resolves at or above the resolve bound. */
    BELOW("<");

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    /** The YAML form, {@code >} or {@code <}. */
    public String symbol() {
        return symbol;
    }

    /** Parses {@code >} or {@code <}; null if neither. */
    public static Comparison parse(String text) {
        for (Comparison c : values()) {
            if (c.symbol.equals(text == null ? null : text.trim())) {
                return c;
            }
        }
        return null;
    }

    /** Whether {@code value} is past {@code threshold} (strictly). */
    public boolean breaches(double value, double threshold) {
        return this == ABOVE ? value > threshold : value < threshold;
    }

    /** Whether {@code value} is back on the healthy side of (or at) the resolve bound. */
    public boolean recovered(double value, double resolve) {
        return this == ABOVE ? value <= resolve : value >= resolve;
    }
}
