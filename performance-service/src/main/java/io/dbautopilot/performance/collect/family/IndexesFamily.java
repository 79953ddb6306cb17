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

/**
 * The {@code indexes} family: pg_stat_user_indexes with sizes and validity, and the indexes worth a look —
 * unused (never scanned, not backing a unique, primary-key or exclusion constraint), duplicate (same table,
 * access method, columns, operator classes, collations, expressions and predicate as another) and invalid
 * (typically the leftover of a failed {@code CREATE INDEX CONCURRENTLY}). Statistics are read on every run; sizes
 * are cached per index and re-read only when its file node or its table's tuple and vacuum counters moved (see
 * {@link TableSizesFamily}), never for an index holding or awaiting an ACCESS EXCLUSIVE lock.
 */
@ApplicationScoped
public class IndexesFamily extends DatabaseSqlFamily {
    private final RelationCache<Long> sizes = new RelationCache<>();

    public IndexesFamily() {
        super("indexes", Duration.ofMinutes(10), true);
    }

    @Override
    RelationDigest.Kind digestKind() {
        return RelationDigest.Kind.ACTIVITY;
    }

    /**
     * pg_stat_user_indexes and pg_statio_user_indexes with their index's catalog row, in one pass: the views' own
     * pg_stat_get_* functions over pg_index joined once to pg_class (index and table) instead of joining the two
     * views (each repeating those joins) and pg_index and pg_class again. The columns that only define a duplicate
     * (keys, operator classes, collations, expressions, predicate) stay on the server: the client gets the flag.
     */
    static final String SQL = LOCKED + """
            , idx AS (
                SELECT i.oid::int8 AS oid, n.nspname AS schemaname, c.relname, i.relname AS indexrelname,
                       pg_stat_get_numscans(i.oid) AS idx_scan, pg_stat_get_tuples_returned(i.oid) AS idx_tup_read,
                       pg_stat_get_tuples_fetched(i.oid) AS idx_tup_fetch,
                       pg_stat_get_blocks_fetched(i.oid) - pg_stat_get_blocks_hit(i.oid) AS idx_blks_read,
                       pg_stat_get_blocks_hit(i.oid) AS idx_blks_hit,
                       x.indisunique OR x.indisprimary OR x.indisexclusion AS enforces_constraint,
                       x.indisvalid AND x.indisready AS valid,
                       x.indrelid, i.relam, x.indkey::text AS keys, x.indclass::text AS opclasses,
                       x.indcollation::text AS collations,
                       CASE WHEN x.indexprs IS NULL THEN '' ELSE pg_get_expr(x.indexprs, x.indrelid) END AS exprs,
                       CASE WHEN x.indpred IS NULL THEN '' ELSE pg_get_expr(x.indpred, x.indrelid) END AS pred,
                       i.oid IN (SELECT relation FROM locked) AS locked,
                       concat_ws(':', i.relfilenode, pg_stat_get_tuples_inserted(x.indrelid),
                                 pg_stat_get_tuples_updated(x.indrelid), pg_stat_get_tuples_deleted(x.indrelid),
                                 pg_stat_get_vacuum_count(x.indrelid) + pg_stat_get_autovacuum_count(x.indrelid))
                           AS change_key
                  FROM pg_index x
                  JOIN pg_class c ON c.oid = x.indrelid
                  JOIN pg_class i ON i.oid = x.indexrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 't', 'm')
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast')
            SELECT oid, schemaname, relname, indexrelname, idx_scan, idx_tup_read, idx_tup_fetch, idx_blks_read,
                   idx_blks_hit, enforces_constraint, valid, locked, change_key,
                   count(*) OVER (PARTITION BY indrelid, relam, keys, opclasses, collations, exprs, pred) > 1
                       AS duplicate
              FROM idx""";

    /** The sizes of the given indexes (skipping any that got locked since). */
    static final String SQL_SIZES = LOCKED + """
            SELECT c.oid::int8 AS oid, pg_relation_size(c.oid) AS size_bytes
              FROM pg_class c
             WHERE c.oid::int8 = ANY($1) AND c.oid NOT IN (SELECT relation FROM locked)""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return gated(context, client,
                () -> collectCached(context, client, SQL, SQL_SIZES, sizes, r -> r.getLong("size_bytes")));
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int count = 0;
        int unused = 0;
        int duplicate = 0;
        int invalid = 0;
        double unusedBytes = 0;
        for (Row r : results.get(0)) {
            count++;
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname"),
                    "indexrelname", r.getString("indexrelname")};
            points.add("pg_stat_user_indexes_idx_scan", r.getValue("idx_scan"), labels);
            points.add("pg_stat_user_indexes_idx_tup_read", r.getValue("idx_tup_read"), labels);
            points.add("pg_stat_user_indexes_idx_tup_fetch", r.getValue("idx_tup_fetch"), labels);
            points.add("pg_statio_user_indexes_idx_blks_read", r.getValue("idx_blks_read"), labels);
            points.add("pg_statio_user_indexes_idx_blks_hit", r.getValue("idx_blks_hit"), labels);
            Long size = sizes.get(context, r.getLong("oid")).orElse(null);
            points.add("pg_stat_user_indexes_size_bytes", size, labels);
            boolean valid = r.getBoolean("valid");
            points.add("pg_stat_user_indexes_valid", valid, labels);
            if (!valid) {
                invalid++;
                points.add("pg_index_invalid", 1, labels);
            }
            if (number(r, "idx_scan") == 0 && !r.getBoolean("enforces_constraint") && valid) {
                unused++;
                unusedBytes += size == null ? 0 : size;
                points.add("pg_index_unused", 1, labels);
            }
            if (r.getBoolean("duplicate")) {
                duplicate++;
                points.add("pg_index_duplicate", 1, labels);
            }
        }
        points.add("pg_indexes_count", count);
        points.add("pg_indexes_unused_count", unused);
        points.add("pg_indexes_unused_bytes", unusedBytes);
        points.add("pg_indexes_duplicate_count", duplicate);
        points.add("pg_indexes_invalid_count", invalid);
    }
}
