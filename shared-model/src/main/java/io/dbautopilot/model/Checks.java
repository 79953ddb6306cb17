package io.dbautopilot.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Package helper for the records' compact constructors: argument checks and defensive copies. */
final class Checks {

    private Checks() {
    }

    static String notBlank(String value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    static <T> T notNull(T value, String name) {
        return Objects.requireNonNull(value, name + " must not be null");
    }

    static long notNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
        return value;
    }

    static double finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number but was " + value);
        }
        return value;
    }

    /** Immutable copy; null becomes empty; null elements are rejected. */
    static <T> List<T> list(List<T> source, String name) {
        if (source == null) {
            return List.of();
        }
        for (T element : source) {
            Objects.requireNonNull(element, name + " must not contain null elements");
        }
        return List.copyOf(source);
    }

    /** Immutable, order-preserving copy; null becomes empty; null keys are rejected, null values kept. */
    static <V> Map<String, V> map(Map<String, V> source, String name) {
        if (source == null || source.isEmpty()) {
            return Map.of();
        }
        Map<String, V> copy = new LinkedHashMap<>(source);
        if (copy.containsKey(null)) {
            throw new NullPointerException(name + " must not contain null keys");
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Like {@link #map} but also rejects null values. */
    static <V> Map<String, V> mapNoNullValues(Map<String, V> source, String name) {
        Map<String, V> copy = map(source, name);
        for (Map.Entry<String, V> entry : copy.entrySet()) {
            Objects.requireNonNull(entry.getValue(), name + " must not contain a null value (key '" + entry.getKey() + "')");
        }
        return copy;
    }
}
