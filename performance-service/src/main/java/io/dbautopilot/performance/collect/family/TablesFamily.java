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

    static final List<String> STAT_COLUMNS = List.of("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch",
            "n_tup_ins", "n_tup_upd", "n_tup_del", "n_tup_hot_upd", "n_live_tup", "n_dead_tup", "n_mod_since_analyze",
            "n_ins_since_vacuum", "last_vacuum", "last_autovacuum", "last_analyze", "last_autoanalyze", "vacuum_count",
            "autovacuum_count", "analyze_count", "autoanalyze_count");

    static final List<String> STATIO_COLUMNS = List.of("heap_blks_read", "heap_blks_hit", "idx_blks_read",
            "idx_blks_hit", "toast_blks_read", "toast_blks_hit", "tidx_blks_read", "tidx_blks_hit");

    static final String SQL = """
            SELECT s.schemaname, s.relname, s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0) AS idx_scan,
                   coalesce(s.idx_tup_fetch, 0) AS idx_tup_fetch, s.n_tup_ins, s.n_tup_upd, s.n_tup_del,
                   s.n_tup_hot_upd, s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze, %s AS n_ins_since_vacuum,
                   coalesce(extract(epoch FROM s.last_vacuum), 0)::float8 AS last_vacuum,
                   coalesce(extract(epoch FROM s.last_autovacuum), 0)::float8 AS last_autovacuum,
                   coalesce(extract(epoch FROM s.last_analyze), 0)::float8 AS last_analyze,
                   coalesce(extract(epoch FROM s.last_autoanalyze), 0)::float8 AS last_autoanalyze,
                   s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count,
                   io.heap_blks_read, io.heap_blks_hit, io.idx_blks_read, io.idx_blks_hit, io.toast_blks_read,
                   io.toast_blks_hit, io.tidx_blks_read, io.tidx_blks_hit
              FROM pg_stat_user_tables s
              JOIN pg_statio_user_tables io ON io.relid = s.relid""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL.formatted(context.serverVersion() >= 130000 ? "s.n_ins_since_vacuum" : "NULL::bigint");
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
