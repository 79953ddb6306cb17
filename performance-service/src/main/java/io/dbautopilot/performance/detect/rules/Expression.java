package io.dbautopilot.performance.detect.rules;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a rule measures: a metric, or a small derived expression over metrics of the same series (labels of the
 * other operands must agree with the first's): {@code ratio(a, b)} = a / b, {@code age(a, b...)} = now minus the
 * newest of the epoch-second timestamps, {@code rate(a)} = per-second increase of a counter since the last cycle.
 */
public sealed interface Expression {

    /** The metric whose series define the objects (the first operand). */
    String primary();

    /** Every metric the expression reads. */
    List<String> metrics();

    /** A plain metric. */
    record Metric(String name) implements Expression {
        public String primary() {
            return name;
        }

        public List<String> metrics() {
            return List.of(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code numerator / denominator}. */
    record Ratio(String numerator, String denominator) implements Expression {
        public String primary() {
            return numerator;
        }

        public List<String> metrics() {
            return List.of(numerator, denominator);
        }

        @Override
        public String toString() {
            return "ratio(" + numerator + ", " + denominator + ")";
        }
    }

    /** Seconds since the newest of several epoch-second timestamps (0 = never, i.e. the epoch). */
    record Age(List<String> timestamps) implements Expression {
        public String primary() {
            return timestamps.get(0);
        }

        public List<String> metrics() {
            return timestamps;
        }

        @Override
        public String toString() {
            return "age(" + String.join(", ", timestamps) + ")";
        }
    }

    /** Per-second increase of a counter between two evaluations (none across a reset). */
    record Rate(String counter) implements Expression {
        public String primary() {
            return counter;
        }

        public List<String> metrics() {
            return List.of(counter);
        }

        @Override
        public String toString() {
            return "rate(" + counter + ")";
        }
    }

    /** Metric names: lower-case identifiers. */
    Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    /** {@code function(arg, ...)}. */
    Pattern CALL = Pattern.compile("([a-z]+)\\s*\\((.*)\\)");

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Expression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is missing");
        }
        String t = text.trim();
        if (NAME.matcher(t).matches()) {
            return new Metric(t);
        }
        Matcher m = CALL.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + t + "' is neither a metric name nor ratio(a, b), age(a, ...) or rate(a)");
        }
        List<String> args = Arrays.stream(m.group(2).split(",")).map(String::trim).toList();
        for (String a : args) {
            if (!NAME.matcher(a).matches()) {
                throw new IllegalArgumentException("'" + a + "' in '" + t + "' is not a metric name");
            }
        }
        return switch (m.group(1)) {
            case "ratio" -> {
                if (args.size() != 2) {
                    throw new IllegalArgumentException("ratio takes 2 metrics, got " + args.size() + " in '" + t + "'");
                }
                yield new Ratio(args.get(0), args.get(1));
            }
            case "age" -> new Age(List.copyOf(args));
            case "rate" -> {
                if (args.size() != 1) {
                    throw new IllegalArgumentException("rate takes 1 metric, got " + args.size() + " in '" + t + "'");
                }
                yield new Rate(args.get(0));
            }
            default -> throw new IllegalArgumentException("unknown function '" + m.group(1)
                    + "' (known: ratio, age, rate)");
        };
    }
}
