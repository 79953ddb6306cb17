package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The {@code indexes} family: pg_stat_user_indexes with sizes and validity, and the indexes worth a look —
 * unused (never scanned, not backing a unique, primary-key or exclusion constraint), duplicate (same table,
 * access method, columns, operator classes, collations, expressions and predicate as another) and invalid
 * (typically the leftover of a failed {@code CREATE INDEX CONCURRENTLY}).
 */
@ApplicationScoped
public class IndexesFamily extends DatabaseSqlFamily {
    public IndexesFamily() {
        super("indexes", Duration.ofMinutes(10), true);
    }

    static final String SQL = LOCKED + """
            , idx AS (
                SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
                       io.idx_blks_read, io.idx_blks_hit,
                       i.indisunique OR i.indisprimary OR i.indisexclusion AS enforces_constraint,
                       i.indisvalid AND i.indisready AS valid,
                       i.indrelid, c.relam, i.indkey::text AS keys, i.indclass::text AS opclasses,
                       i.indcollation::text AS collations,
                       coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
                       coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS pred,
                       CASE WHEN s.indexrelid IN (SELECT relation FROM locked) THEN NULL
                            ELSE pg_relation_size(s.indexrelid) END AS size_bytes
                  FROM pg_stat_user_indexes s
                  JOIN pg_statio_user_indexes io ON io.indexrelid = s.indexrelid
                  JOIN pg_index i ON i.indexrelid = s.indexrelid
                  JOIN pg_class c ON c.oid = s.indexrelid)
            SELECT *, count(*) OVER (PARTITION BY indrelid, relam, keys, opclasses, collations, exprs, pred) > 1
                      AS duplicate
              FROM idx""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
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
            points.add("pg_stat_user_indexes_size_bytes", r.getValue("size_bytes"), labels);
            boolean valid = r.getBoolean("valid");
            points.add("pg_stat_user_indexes_valid", valid, labels);
            if (!valid) {
                invalid++;
                points.add("pg_index_invalid", 1, labels);
            }
            if (number(r, "idx_scan") == 0 && !r.getBoolean("enforces_constraint") && valid) {
                unused++;
                unusedBytes += number(r, "size_bytes");
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
