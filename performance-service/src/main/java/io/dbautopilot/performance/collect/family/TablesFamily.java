package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The {@code tables} family: pg_stat_user_tables and pg_statio_user_tables of one database, as postgres_exporter's
 * stat_user_tables / statio_user_tables name them, plus dead-tuple and cache-hit ratios. Timestamps are epoch
 * seconds, 0 for never. Sizes, which must open every relation, are the {@code table_sizes} family's, on a slower
 * interval.
 */
@ApplicationScoped
public class TablesFamily extends DatabaseSqlFamily {
    public TablesFamily() {
        super("tables", Duration.ofSeconds(60), true);
    }

    @Override
    RelationDigest.Kind digestKind() {
        return RelationDigest.Kind.ACTIVITY;
    }

    static final List<String> STAT_COLUMNS = List.of("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch",
            "n_tup_ins", "n_tup_upd", "n_tup_del", "n_tup_hot_upd", "n_live_tup", "n_dead_tup", "n_mod_since_analyze",
            "n_ins_since_vacuum", "last_vacuum", "last_autovacuum", "last_analyze", "last_autoanalyze", "vacuum_count",
            "autovacuum_count", "analyze_count", "autoanalyze_count");

    static final List<String> STATIO_COLUMNS = List.of("heap_blks_read", "heap_blks_hit", "idx_blks_read",
            "idx_blks_hit", "toast_blks_read", "toast_blks_hit", "tidx_blks_read", "tidx_blks_hit");

    /**
     * pg_stat_user_tables and pg_statio_user_tables in one pass over pg_class: the same pg_stat_get_* functions the
     * two views call, but the per-table index sums (scans, fetches, blocks) are aggregated once for all tables and
     * their TOAST tables instead of once per view, and the two views are not joined to each other. Only indexes of
     * relations at or above FirstNormalObjectId (16384) are summed: user tables and their TOAST tables are all there,
     * the built-in catalogs (excluded by the schema filter) below. Timestamps go through date_part (float8), not
     * extract (numeric since PostgreSQL 14, then cast): the same, correctly rounded seconds without numeric arithmetic.
     */
    static final String SQL = """
            WITH ix AS MATERIALIZED (
                SELECT indrelid,
                       sum(pg_stat_get_numscans(indexrelid))::bigint AS idx_scan,
                       sum(pg_stat_get_tuples_fetched(indexrelid))::bigint AS idx_tup_fetch,
                       sum(pg_stat_get_blocks_fetched(indexrelid) - pg_stat_get_blocks_hit(indexrelid))::bigint
                           AS idx_blks_read,
                       sum(pg_stat_get_blocks_hit(indexrelid))::bigint AS idx_blks_hit
                  FROM pg_index WHERE indrelid >= 16384 GROUP BY indrelid)
            SELECT n.nspname AS schemaname, c.relname, pg_stat_get_numscans(c.oid) AS seq_scan,
                   pg_stat_get_tuples_returned(c.oid) AS seq_tup_read, coalesce(i.idx_scan, 0) AS idx_scan,
                   coalesce(i.idx_tup_fetch + pg_stat_get_tuples_fetched(c.oid), 0) AS idx_tup_fetch,
                   pg_stat_get_tuples_inserted(c.oid) AS n_tup_ins, pg_stat_get_tuples_updated(c.oid) AS n_tup_upd,
                   pg_stat_get_tuples_deleted(c.oid) AS n_tup_del,
                   pg_stat_get_tuples_hot_updated(c.oid) AS n_tup_hot_upd,
                   pg_stat_get_live_tuples(c.oid) AS n_live_tup, pg_stat_get_dead_tuples(c.oid) AS n_dead_tup,
                   pg_stat_get_mod_since_analyze(c.oid) AS n_mod_since_analyze, %s AS n_ins_since_vacuum,
                   coalesce(date_part('epoch', pg_stat_get_last_vacuum_time(c.oid)), 0) AS last_vacuum,
                   coalesce(date_part('epoch', pg_stat_get_last_autovacuum_time(c.oid)), 0) AS last_autovacuum,
                   coalesce(date_part('epoch', pg_stat_get_last_analyze_time(c.oid)), 0) AS last_analyze,
                   coalesce(date_part('epoch', pg_stat_get_last_autoanalyze_time(c.oid)), 0)
                       AS last_autoanalyze,
                   pg_stat_get_vacuum_count(c.oid) AS vacuum_count,
                   pg_stat_get_autovacuum_count(c.oid) AS autovacuum_count,
                   pg_stat_get_analyze_count(c.oid) AS analyze_count,
                   pg_stat_get_autoanalyze_count(c.oid) AS autoanalyze_count,
                   pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid) AS heap_blks_read,
                   pg_stat_get_blocks_hit(c.oid) AS heap_blks_hit, i.idx_blks_read, i.idx_blks_hit,
                   pg_stat_get_blocks_fetched(t.oid) - pg_stat_get_blocks_hit(t.oid) AS toast_blks_read,
                   pg_stat_get_blocks_hit(t.oid) AS toast_blks_hit, x.idx_blks_read AS tidx_blks_read,
                   x.idx_blks_hit AS tidx_blks_hit
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
              LEFT JOIN ix i ON i.indrelid = c.oid
              LEFT JOIN ix x ON x.indrelid = t.oid
             WHERE c.relkind IN ('r', 't', 'm', 'p')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL.formatted(context.serverVersion() >= 130000 ? "pg_stat_get_ins_since_vacuum(c.oid)" : "NULL::bigint");
    }

    private static final String[] STAT_NAMES = STAT_COLUMNS.stream().map(c -> "pg_stat_user_tables_" + c)
            .toArray(String[]::new);
    private static final String[] STATIO_NAMES = STATIO_COLUMNS.stream().map(c -> "pg_statio_user_tables_" + c)
            .toArray(String[]::new);

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int tables = 0;
        // column positions once per result, not a lookup by name per point
        int[] stat = null;
        int[] statio = null;
        int schema = 0;
        int rel = 0;
        for (Row r : results.get(0)) {
            if (stat == null) {
                stat = STAT_COLUMNS.stream().mapToInt(r::getColumnIndex).toArray();
                statio = STATIO_COLUMNS.stream().mapToInt(r::getColumnIndex).toArray();
                schema = r.getColumnIndex("schemaname");
                rel = r.getColumnIndex("relname");
            }
            tables++;
            String[] labels = {"schemaname", r.getString(schema), "relname", r.getString(rel)};
            for (int i = 0; i < stat.length; i++) {
                points.add(STAT_NAMES[i], r.getValue(stat[i]), labels);
            }
            for (int i = 0; i < statio.length; i++) {
                points.add(STATIO_NAMES[i], r.getValue(statio[i]), labels);
            }
            double live = number(r, stat[LIVE]);
            double dead = number(r, stat[DEAD]);
            if (live + dead > 0) {
                points.add("pg_stat_user_tables_dead_tuple_ratio", dead / (live + dead), labels);
            }
            double hit = number(r, statio[HEAP_HIT]);
            double read = number(r, statio[HEAP_READ]);
            if (hit + read > 0) {
                points.add("pg_statio_user_tables_heap_hit_ratio", hit / (hit + read), labels);
            }
            double idxHit = number(r, statio[IDX_HIT]);
            double idxRead = number(r, statio[IDX_READ]);
            if (idxHit + idxRead > 0) {
                points.add("pg_statio_user_tables_idx_hit_ratio", idxHit / (idxHit + idxRead), labels);
            }
        }
        points.add("pg_stat_user_tables_count", tables);
    }

    private static final int LIVE = STAT_COLUMNS.indexOf("n_live_tup");
    private static final int DEAD = STAT_COLUMNS.indexOf("n_dead_tup");
    private static final int HEAP_READ = STATIO_COLUMNS.indexOf("heap_blks_read");
    private static final int HEAP_HIT = STATIO_COLUMNS.indexOf("heap_blks_hit");
    private static final int IDX_READ = STATIO_COLUMNS.indexOf("idx_blks_read");
    private static final int IDX_HIT = STATIO_COLUMNS.indexOf("idx_blks_hit");
}
