package io.dbautopilot.automation.database;

/**
 * A relation found in a target's catalog, with its safely quoted name (from {@code format('%I.%I')}).
 *
 * @param schema   schema name
 * @param name     relation name
 * @param oid      pg_class oid
 * @param relkind  pg_class.relkind ({@code r} table, {@code p} partitioned table, {@code i} index, ...)
 * @param quoted   {@code schema.name} quoted for SQL
 * @param tableOid for an index, the table it belongs to; otherwise the relation's own oid
 */
public record CatalogObject(String schema, String name, long oid, String relkind, String quoted, long tableOid) {

    /** {@code schema.name}, unquoted, as stored in operation records. */
    public String qualified() {
        return schema + "." + name;
    }
}
