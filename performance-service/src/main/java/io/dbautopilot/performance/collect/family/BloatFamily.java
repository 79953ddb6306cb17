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
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code bloat} family: estimated wasted bytes of every table and btree index, from catalog statistics only
 * (pg_class page and tuple counts, pg_stats column widths and null fractions) — no extension, no table scan.
 *
 * <p>The estimate is the classic one (the ioguide / PostgreSQL Experts queries, reimplemented): the pages the
 * live tuples would need at the relation's fillfactor, given the tuple header, null bitmap, alignment and item
 * pointer, compared with the pages the relation has. Relations without statistics (never analyzed, expression
 * index columns) are counted as unestimated rather than guessed. Page and tuple counts are read on every run; the
 * column statistics (the costly part for a non-superuser, who must go through pg_stats) are cached per relation
 * and re-read only after its table was analyzed or its columns changed (see {@link RelationCache}).
 */
@ApplicationScoped
public class BloatFamily extends DatabaseSqlFamily {
    public BloatFamily() {
        super("bloat", Duration.ofMinutes(10), true);
    }

    @Override
    RelationDigest.Kind digestKind() {
        return RelationDigest.Kind.STRUCTURE;
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

    /** Column statistics of a relation that the estimate needs; they change only when its table is analyzed. */
    record ColumnStats(double dataWidth, long missing, boolean hasNulls, int natts) {
    }

    private final RelationCache<ColumnStats> cache = new RelationCache<>();

    /** The fillfactor of a relation's reloptions, or the default (most relations have no options: no regex then). */
    static final String FILLFACTOR = "CASE WHEN %1$s.reloptions IS NULL THEN %2$d ELSE "
            + "coalesce(substring(array_to_string(%1$s.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, %2$d) END";

    /**
     * Every user table and valid btree index with its page and tuple counts (read on every run: VACUUM and ANALYZE
     * move them) and the key of its column statistics: its table's {@code reltuples} and {@code relpages}, its number
     * of columns ({@code relnatts}, which ADD COLUMN moves) and its table's manual and automatic analyze counts, which
     * every ANALYZE moves (even one that leaves the page and tuple counts as a VACUUM set them, when statistics arrive
     * after a relation was read without). Statistics a role may not read (pg_stats shows only the tables it may
     * SELECT) stay missing under the same key: they are not asked for again until the next analyze. A dropped column
     * leaves the estimate at the table's next analyze; the cache's maximum age bounds it. No pass over pg_attribute
     * per run.
     */
    static final String SQL_RELATIONS = """
            SELECT 'table' AS kind, c.oid::int8 AS oid, n.nspname AS schemaname, c.relname, NULL::name AS indexrelname,
                   c.relpages::float8 AS relpages, c.reltuples::float8 AS reltuples, %s AS fillfactor,
                   concat_ws(':', c.reltuples, c.relpages, c.relnatts,
                             pg_stat_get_analyze_count(c.oid) + pg_stat_get_autoanalyze_count(c.oid)) AS stats_key
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'm') AND c.relpages > 0
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
            UNION ALL
            SELECT 'index', ic.oid::int8, n.nspname, t.relname, ic.relname,
                   ic.relpages::float8, ic.reltuples::float8, %s,
                   concat_ws(':', t.reltuples, t.relpages, i.indkey::text,
                             pg_stat_get_analyze_count(t.oid) + pg_stat_get_autoanalyze_count(t.oid))
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE ic.relpages > 1 AND i.indisvalid AND i.indrelid >= 16384
               AND ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'"""
            .formatted(FILLFACTOR.formatted("c", 100), FILLFACTOR.formatted("ic", 90));

    /** Column statistics of the given tables from pg_stats (readable by everyone, per-column privilege checks, slow). */
    static final String SQL_TABLE_STATS = """
            SELECT c.oid::int8 AS oid,
                   sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0))::float8 AS data_width,
                   count(*) FILTER (WHERE s.attname IS NULL) AS missing,
                   max(coalesce(s.null_frac, 0)) > 0 AS has_nulls, count(*) AS natts
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
                                  AND s.attname = a.attname AND NOT s.inherited
             WHERE c.oid::int8 = ANY($1)
             GROUP BY c.oid""";

    /** Column statistics of the key columns of the given btree indexes, from their tables' pg_stats. */
    static final String SQL_INDEX_STATS = """
            SELECT i.indexrelid::int8 AS oid,
                   sum(coalesce(s.avg_width, 0))::float8 AS data_width,
                   count(*) FILTER (WHERE s.attname IS NULL) AS missing,
                   max(coalesce(s.null_frac, 0)) > 0 AS has_nulls, count(*) AS natts
              FROM pg_index i
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
              CROSS JOIN LATERAL unnest(i.indkey::int2[]) AS k(attnum)
              LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
              LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname
                                  AND s.attname = a.attname AND NOT s.inherited
             WHERE i.indexrelid::int8 = ANY($1)
             GROUP BY i.indexrelid""";

    /** The pg_stats queries rewritten for pg_statistic, joined by OID: several times cheaper, superusers only. */
    static String direct(String viaPgStats) {
        return viaPgStats
                .replaceAll("LEFT JOIN pg_stats s ON s\\.schemaname = n\\.nspname AND s\\.tablename = (\\w)\\.relname\\s+"
                                + "AND s\\.attname = a\\.attname AND NOT s\\.inherited",
                        "LEFT JOIN pg_statistic s ON s.starelid = $1.oid AND s.staattnum = a.attnum AND NOT s.stainherit")
                .replace("s.null_frac", "s.stanullfrac").replace("s.avg_width", "s.stawidth")
                .replace("s.attname IS NULL", "s.starelid IS NULL");
    }

    static final String SQL_TABLE_STATISTIC = direct(SQL_TABLE_STATS);
    static final String SQL_INDEX_STATISTIC = direct(SQL_INDEX_STATS);

    /** Whether pg_statistic is readable, and the server's page size (once per run, not per relation). */
    static final String CAN_READ_STATISTIC = "SELECT has_table_privilege('pg_catalog.pg_statistic', 'SELECT') AS direct, "
            + "current_setting('block_size')::int AS block_size";

    @Override
    protected String sql(CollectionContext context) {
        return CAN_READ_STATISTIC + ";\n" + SQL_RELATIONS;
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return gated(context, client, () -> listAndEstimate(context, client));
    }

    private Uni<List<MetricPoint>> listAndEstimate(CollectionContext context, SqlClient client) {
        Instant now = Instant.now();
        return listing(context, () -> client.query(sql(context)).execute()).chain(first -> {
            Row facts = first.iterator().next();
            boolean direct = facts.getBoolean("direct");
            int blockSize = facts.getInteger("block_size");
            RowSet<Row> relations = first.next();
            Map<Long, String> statsKeys = new HashMap<>();
            Set<Long> indexes = new HashSet<>();
            for (Row r : relations) {
                statsKeys.put(r.getLong("oid"), r.getString("stats_key"));
                if ("index".equals(r.getString("kind"))) {
                    indexes.add(r.getLong("oid"));
                }
            }
            RelationCache.Plan plan = cache.plan(context, statsKeys, context.settings().relationCacheMaxAge(), now);
            List<Long> tables = plan.reread().stream().filter(oid -> !indexes.contains(oid)).toList();
            List<Long> btrees = plan.reread().stream().filter(indexes::contains).toList();
            return readOids(context, client, direct ? SQL_TABLE_STATISTIC : SQL_TABLE_STATS, tables)
                    .chain(t -> readOids(context, client, direct ? SQL_INDEX_STATISTIC : SQL_INDEX_STATS, btrees)
                            .map(i -> {
                                int read = store(context, t, statsKeys, now) + store(context, i, statsKeys, now);
                                PointsBuilder points = new PointsBuilder(baseLabels(context));
                                mapRelations(context, relations, blockSize, points);
                                cachePoints(points, name(), plan, read);
                                return points.build();
                            }));
        });
    }

    private int store(CollectionContext context, RowSet<Row> rows, Map<Long, String> keys, Instant now) {
        int read = 0;
        if (rows != null) {
            for (Row r : rows) {
                long oid = r.getLong("oid");
                ColumnStats stats = new ColumnStats(number(r, "data_width"), r.getLong("missing"),
                        Boolean.TRUE.equals(r.getBoolean("has_nulls")), r.getInteger("natts"));
                cache.put(context, oid, keys.get(oid), stats, now);
                read++;
            }
        }
        return read;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        mapRelations(context, results.get(1), results.get(0).iterator().next().getInteger("block_size"), points);
    }

    private void mapRelations(CollectionContext context, RowSet<Row> relations, int blockSize, PointsBuilder points) {
        int unestimated = 0;
        double tableBloat = 0;
        double indexBloat = 0;
        for (Row r : relations) {
            Optional<ColumnStats> stats = cache.get(context, r.getLong("oid"));
            if (stats.isEmpty() || stats.get().missing() > 0 || number(r, "reltuples") < 0) {
                unestimated++;
                continue;
            }
            ColumnStats c = stats.get();
            if ("table".equals(r.getString("kind"))) {
                Estimate e = estimateTable(number(r, "relpages"), number(r, "reltuples"), r.getInteger("fillfactor"),
                        c.dataWidth(), c.hasNulls(), c.natts(), blockSize);
                String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname")};
                points.add("pg_table_bloat_bytes", e.wastedBytes(), labels);
                points.add("pg_table_bloat_ratio", e.ratio(), labels);
                tableBloat += e.wastedBytes();
            } else {
                Estimate e = estimateBtree(number(r, "relpages"), number(r, "reltuples"), r.getInteger("fillfactor"),
                        c.dataWidth(), c.hasNulls(), blockSize);
                String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname"),
                        "indexrelname", r.getString("indexrelname")};
                points.add("pg_index_bloat_bytes", e.wastedBytes(), labels);
                points.add("pg_index_bloat_ratio", e.ratio(), labels);
                indexBloat += e.wastedBytes();
            }
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
