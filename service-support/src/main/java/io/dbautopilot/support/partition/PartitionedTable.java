package io.dbautopilot.support.partition;

/**
 * A partitioned table found in a database's catalog (one that is not itself a partition).
 *
 * @param oid    pg_class oid
 * @param schema schema name
 * @param name   table name
 * @param quoted {@code schema.name} quoted for SQL by the server ({@code format('%I.%I')})
 */
public record PartitionedTable(long oid, String schema, String name, String quoted) {

    /** {@code schema.name}, unquoted (for messages and API answers). */
    public String qualified() {
        return schema + "." + name;
    }
}
