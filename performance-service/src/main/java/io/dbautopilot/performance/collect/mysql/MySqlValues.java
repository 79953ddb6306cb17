package io.dbautopilot.performance.collect.mysql;

import io.vertx.core.buffer.Buffer;

import java.util.Locale;

/** Conversions of MySQL result values (numbers may arrive as text, text as bytes) and of names to metric names. */
public final class MySqlValues {

    private MySqlValues() {
    }

    /** The value as text (bytes decoded as UTF-8); null for SQL NULL. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Buffer b) {
            return b.toString();
        }
        if (value instanceof io.vertx.mutiny.core.buffer.Buffer b) {
            return b.toString();
        }
        return value.toString();
    }

    /** The value as a number, or null when it is NULL or not numeric. */
    public static Number number(Object value) {
        if (value instanceof Number n) {
            return n;
        }
        String text = text(value);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A status or variable value as mysqld_exporter reads it: a number, {@code ON}/{@code YES} as 1, {@code OFF}/
     * {@code NO} as 0; null for anything else.
     */
    public static Number setting(Object value) {
        Number n = number(value);
        if (n != null) {
            return n;
        }
        String text = text(value);
        if (text == null) {
            return null;
        }
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "ON", "YES", "TRUE" -> 1;
            case "OFF", "NO", "FALSE" -> 0;
            default -> null;
        };
    }

    /** A status / variable name as a metric name part: lower case, anything but letters, digits and _ as _. */
    public static String metricPart(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
