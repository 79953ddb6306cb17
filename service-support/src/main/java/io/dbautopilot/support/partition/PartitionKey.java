package io.dbautopilot.support.partition;

/**
 * How a table is partitioned, from {@code pg_partitioned_table}.
 *
 * @param strategy {@code r} range, {@code l} list, {@code h} hash
 * @param columns  number of key columns
 * @param type     the first key column's type ({@code format_type}); null when the key is an expression
 */
public record PartitionKey(String strategy, int columns, String type) {

    /** Whether it is {@code PARTITION BY RANGE} on one date or timestamp column (the only kind kept or measured by time). */
    public boolean rangeOnTime() {
        return "r".equals(strategy) && columns == 1 && type != null && (type.equals("date") || type.startsWith("timestamp"));
    }

    /** What it is, for a message: {@code strategy r, key type date}. */
    public String describe() {
        return "strategy " + strategy + ", " + columns + " key column(s), key type " + (type == null ? "expression" : type);
    }
}
