package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code table_sizes} family: table (heap, free-space and visibility maps, TOAST), index and TOAST sizes of
 * every user table, as postgres_exporter names them. Reading a size opens the relation's files, which makes this the
 * costliest per-table read, so sizes are cached per relation and re-read only when something that changes them
 * moved (file nodes of the table, its TOAST table and indexes; inserted, updated and deleted tuples; vacuums) or
 * after {@code autopilot.collection.relation-cache-max-age}. Relations holding or awaiting an ACCESS EXCLUSIVE lock
 * are never opened (no queueing behind DDL): they keep their last size, or have none yet.
 */
@ApplicationScoped
public class TableSizesFamily extends DatabaseSqlFamily {

    /** A table's three sizes in bytes. */
    record Sizes(long table, long indexes, long toast) {
    }

    private final RelationCache<Sizes> cache = new RelationCache<>();

    public TableSizesFamily() {
        super("table_sizes", Duration.ofMinutes(5), true);
    }

    @Override
    RelationDigest.Kind digestKind() {
        return RelationDigest.Kind.STRUCTURE;
    }

    /**
     * Every user table with what tells whether its sizes changed; cheap (catalog and statistics counters only). Its
     * indexes' file nodes are summarized per table (count and sum: a new, dropped or rebuilt index gets a fresh file
     * node and moves them) in one hashed pass over the indexes of user relations, which all have OIDs from
     * FirstNormalObjectId (16384) up, not in a subquery per table.
     */
    static final String SQL_KEYS = LOCKED + """
            SELECT c.oid::int8 AS oid, n.nspname AS schemaname, c.relname,
                   c.oid IN (SELECT relation FROM locked) AS locked,
                   concat_ws(':', c.relfilenode, coalesce(t.relfilenode::text, '-'),
                             pg_stat_get_tuples_inserted(c.oid), pg_stat_get_tuples_updated(c.oid),
                             pg_stat_get_tuples_deleted(c.oid),
                             pg_stat_get_vacuum_count(c.oid) + pg_stat_get_autovacuum_count(c.oid),
                             coalesce((pg_stat_get_vacuum_count(t.oid) + pg_stat_get_autovacuum_count(t.oid))::text, '-'),
                             ix.filenodes) AS change_key
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
              LEFT JOIN (SELECT i.indrelid, count(*) || '/' || sum(ic.relfilenode::int8) AS filenodes
                           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                          WHERE i.indrelid >= 16384 GROUP BY i.indrelid) ix ON ix.indrelid = c.oid
             WHERE c.relkind IN ('r', 'm', 'p')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'""";

    /** The sizes of the given tables (skipping any that got locked since). */
    static final String SQL_SIZES = LOCKED + """
            SELECT c.oid::int8 AS oid, pg_table_size(c.oid) AS table_size, pg_indexes_size(c.oid) AS index_size,
                   CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END AS toast_size
              FROM pg_class c
             WHERE c.oid::int8 = ANY($1) AND c.oid NOT IN (SELECT relation FROM locked)""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL_KEYS;
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return gated(context, client, () -> collectCached(context, client, SQL_KEYS, SQL_SIZES, cache,
                r -> new Sizes(r.getLong("table_size"), r.getLong("index_size"), r.getLong("toast_size"))));
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        double total = 0;
        for (Row r : results.get(0)) {
            Optional<Sizes> sizes = cache.get(context, r.getLong("oid"));
            if (sizes.isEmpty()) {
                continue;
            }
            Sizes s = sizes.get();
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname")};
            points.add("pg_stat_user_tables_table_size_bytes", s.table(), labels);
            points.add("pg_stat_user_tables_index_size_bytes", s.indexes(), labels);
            points.add("pg_stat_user_tables_toast_size_bytes", s.toast(), labels);
            total += s.table() + s.indexes();
        }
        points.add("pg_database_user_tables_bytes", total);
    }
}
