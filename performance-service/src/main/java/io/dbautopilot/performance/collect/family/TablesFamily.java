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

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int tables = 0;
        for (Row r : results.get(0)) {
            tables++;
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname")};
            for (String column : STAT_COLUMNS) {
                points.add("pg_stat_user_tables_" + column, r.getValue(column), labels);
            }
            for (String column : STATIO_COLUMNS) {
                points.add("pg_statio_user_tables_" + column, r.getValue(column), labels);
            }
            double live = number(r, "n_live_tup");
            double dead = number(r, "n_dead_tup");
            if (live + dead > 0) {
                points.add("pg_stat_user_tables_dead_tuple_ratio", dead / (live + dead), labels);
            }
            double hit = number(r, "heap_blks_hit");
            double read = number(r, "heap_blks_read");
            if (hit + read > 0) {
                points.add("pg_statio_user_tables_heap_hit_ratio", hit / (hit + read), labels);
            }
            double idxHit = number(r, "idx_blks_hit");
            double idxRead = number(r, "idx_blks_read");
            if (idxHit + idxRead > 0) {
                points.add("pg_statio_user_tables_idx_hit_ratio", idxHit / (idxHit + idxRead), labels);
            }
        }
        points.add("pg_stat_user_tables_count", tables);
    }
}
