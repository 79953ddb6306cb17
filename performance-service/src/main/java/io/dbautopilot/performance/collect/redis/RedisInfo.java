package io.dbautopilot.performance.collect.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The answer of {@code INFO}: every {@code field:value} line of every section ({@code # Server}, {@code # Memory},
 * ... {@code # Keyspace}), in order.
 *
 * @param fields field name to its raw value
 */
public record RedisInfo(Map<String, String> fields) {

    /** Parses INFO text (CRLF or LF lines, {@code #} section headers, blank lines between sections). */
    public static RedisInfo parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return new RedisInfo(Map.copyOf(fields));
    }

    /** A field's text, or null. */
    public String text(String field) {
        return fields.get(field);
    }

    /** A numeric field (an integer or a decimal), empty when absent or not a number. */
    public OptionalDouble number(String field) {
        String v = fields.get(field);
        if (v == null || v.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * The {@code key=value} pairs of a composite field ({@code db0:keys=1,expires=0,avg_ttl=0} or
     * {@code slave0:ip=...,port=...,state=online,offset=...,lag=0}).
     */
    public static Map<String, String> pairs(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }
}
