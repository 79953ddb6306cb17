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
 * The {@code bloat} family: estimated wasted bytes of every table and btree index, from catalog statistics only
 * (pg_class page and tuple counts, pg_stats column widths and null fractions) — no extension, no table scan.
 *
 * <p>The estimate is the classic one (the ioguide / PostgreSQL Experts queries, reimplemented): the pages the
 * live tuples would need at the relation's fillfactor, given the tuple header, null bitmap, alignment and item
 * pointer, compared with the pages the relation has. Relations without statistics (never analyzed, expression
 * index columns) are counted as unestimated rather than guessed.
 */
@ApplicationScoped
public class BloatFamily extends DatabaseSqlFamily {
    public BloatFamily() {
        super("bloat", Duration.ofMinutes(10), true);
    }

    /** Tuple header of a heap tuple (HeapTupleHeaderData). */
    static final int HEAP_TUPLE_HEADER = 23;
    /** Page header (PageHeaderData). */
    static final int PAGE_HEADER = 24;
    /** Line pointer per tuple (ItemIdData). */
    static final int ITEM_POINTER = 4;
    /** IndexTupleData header. */
    static final int INDEX_TUPLE_HEADER = 8;
    /** Btree special space per page (BTPageOpaqueData). */
    static final int BTREE_SPECIAL = 16;
    /** Maximum alignment on 64-bit platforms. */
    static final int MAXALIGN = 8;

    /** pg_stats (readable by everyone, per-column privilege checks, slow) is the fallback for pg_statistic. */
    static final String SQL_STATS = """
            SELECT n.nspname AS schemaname, c.relname, c.relpages::float8 AS relpages, c.reltuples::float8 AS reltuples,
                   coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 100) AS fillfactor,
                   sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0))::float8 AS data_width,
                   count(*) FILTER (WHERE s.attname IS NULL) AS missing,
                   max(coalesce(s.null_frac, 0)) > 0 AS has_nulls, count(*) AS natts,
                   current_setting('block_size')::int AS block_size
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
                                  AND s.attname = a.attname AND NOT s.inherited
             WHERE c.relkind IN ('r', 'm') AND c.relpages > 0
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
             GROUP BY n.nspname, c.relname, c.relpages, c.reltuples, c.reloptions;
            SELECT n.nspname AS schemaname, t.relname, ic.relname AS indexrelname,
                   ic.relpages::float8 AS relpages, ic.reltuples::float8 AS reltuples,
                   coalesce(substring(array_to_string(ic.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 90) AS fillfactor,
                   sum(coalesce(s.avg_width, 0))::float8 AS data_width,
                   count(*) FILTER (WHERE s.attname IS NULL) AS missing,
                   max(coalesce(s.null_frac, 0)) > 0 AS has_nulls, count(*) AS natts,
                   current_setting('block_size')::int AS block_size
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
              CROSS JOIN LATERAL unnest(i.indkey::int2[]) AS k(attnum)
              LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
              LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname
                                  AND s.attname = a.attname AND NOT s.inherited
             WHERE ic.relpages > 1 AND i.indisvalid
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
             GROUP BY n.nspname, t.relname, ic.relname, ic.relpages, ic.reltuples, ic.reloptions""";

    /**
     * The same estimate from pg_statistic directly, joined by OID instead of names: several times cheaper than the
     * pg_stats view, but readable only by superusers.
     */
    static final String SQL_STATISTIC = SQL_STATS
            .replaceAll("LEFT JOIN pg_stats s ON s\\.schemaname = n\\.nspname AND s\\.tablename = (\\w)\\.relname\\s+"
                            + "AND s\\.attname = a\\.attname AND NOT s\\.inherited",
                    "LEFT JOIN pg_statistic s ON s.starelid = $1.oid AND s.staattnum = a.attnum AND NOT s.stainherit")
            .replace("s.null_frac", "s.stanullfrac").replace("s.avg_width", "s.stawidth")
            .replace("s.attname IS NULL", "s.starelid IS NULL");

    static final String CAN_READ_STATISTIC = "SELECT has_table_privilege('pg_catalog.pg_statistic', 'SELECT') AS direct";

    @Override
    protected String sql(CollectionContext context) {
        return SQL_STATS;
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return client.query(CAN_READ_STATISTIC).execute().chain(rows ->
                run(context, client, rows.iterator().next().getBoolean("direct") ? SQL_STATISTIC : SQL_STATS));
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int unestimated = 0;
        double tableBloat = 0;
        for (Row r : results.get(0)) {
            if (number(r, "missing") > 0 || number(r, "reltuples") < 0) {
                unestimated++;
                continue;
            }
            Estimate e = estimateTable(number(r, "relpages"), number(r, "reltuples"), (int) number(r, "fillfactor"),
                    number(r, "data_width"), r.getBoolean("has_nulls"), (int) number(r, "natts"),
                    (int) number(r, "block_size"));
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname")};
            points.add("pg_table_bloat_bytes", e.wastedBytes(), labels);
            points.add("pg_table_bloat_ratio", e.ratio(), labels);
            tableBloat += e.wastedBytes();
        }
        double indexBloat = 0;
        for (Row r : results.get(1)) {
            if (number(r, "missing") > 0 || number(r, "reltuples") < 0) {
                unestimated++;
                continue;
            }
            Estimate e = estimateBtree(number(r, "relpages"), number(r, "reltuples"), (int) number(r, "fillfactor"),
                    number(r, "data_width"), r.getBoolean("has_nulls"), (int) number(r, "block_size"));
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname"),
                    "indexrelname", r.getString("indexrelname")};
            points.add("pg_index_bloat_bytes", e.wastedBytes(), labels);
            points.add("pg_index_bloat_ratio", e.ratio(), labels);
            indexBloat += e.wastedBytes();
        }
        points.add("pg_database_table_bloat_bytes", tableBloat);
        points.add("pg_database_index_bloat_bytes", indexBloat);
        points.add("pg_bloat_unestimated_relations", unestimated);
    }

    /** Wasted space of a heap relation. */
    static Estimate estimateTable(double pages, double tuples, int fillfactor, double dataWidth, boolean hasNulls,
                                  int natts, int blockSize) {
        int header = HEAP_TUPLE_HEADER + (hasNulls ? (natts + 7) / 8 : 0);
        double tuple = align(header) + align(Math.ceil(dataWidth)) + ITEM_POINTER;
        double usable = (blockSize - PAGE_HEADER) * fillfactor / 100.0;
        return estimate(pages, tuples, tuple, usable, 0, blockSize);
    }

    /** Wasted space of a btree index (leaf level; the metapage is expected). */
    static Estimate estimateBtree(double pages, double tuples, int fillfactor, double dataWidth, boolean hasNulls,
                                  int blockSize) {
        double tuple = align(INDEX_TUPLE_HEADER + (hasNulls ? 4 : 0) + Math.ceil(dataWidth)) + ITEM_POINTER;
        double usable = (blockSize - PAGE_HEADER - BTREE_SPECIAL) * fillfactor / 100.0;
        return estimate(pages, tuples, tuple, usable, 1, blockSize);
    }

    private static Estimate estimate(double pages, double tuples, double tupleBytes, double usablePerPage,
                                     int fixedPages, int blockSize) {
        double perPage = Math.max(1, Math.floor(usablePerPage / tupleBytes));
        double expected = Math.ceil(tuples / perPage) + fixedPages;
        double wasted = Math.max(0, pages - expected) * blockSize;
        double ratio = pages > 0 ? wasted / (pages * blockSize) : 0;
        return new Estimate(wasted, ratio);
    }

    private static double align(double bytes) {
        return Math.ceil(bytes / MAXALIGN) * MAXALIGN;
    }

    /** Estimated wasted bytes and their share of the relation. */
    record Estimate(double wastedBytes, double ratio) {
    }
}
