package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Two digests of every user relation of a database, read once per visit, that tell the relation listings
 * ({@code tables}, {@code indexes}, {@code table_sizes}, {@code bloat}) whether anything they report can have changed
 * since their last run: one row instead of thousands, so a quiet database costs one small statement per visit.
 *
 * <p>Each digest is the sum over the relations (tables, TOAST tables, indexes, materialized views, partitioned
 * tables and indexes, all with OIDs from FirstNormalObjectId up) of a 64-bit hash of the same catalog columns and
 * statistics functions the listings read: the {@code structure} digest covers what sizes and the bloat estimate depend
 * on (the relation's identity and row versions in pg_class, pg_namespace and pg_index — a rename, ALTER, new or
 * dropped relation, an index turning valid —, file node, page and tuple counts, columns, tuples inserted, updated and
 * deleted, vacuum and analyze counts); the {@code activity} digest adds what moves with reads (scans, tuples returned
 * and fetched, blocks read and hit, live and dead tuples). A relation holding or awaiting an ACCESS EXCLUSIVE lock
 * makes both digests absent: the listings skip such a relation's sizes, so what they read then is not reused.
 */
final class RelationDigest {

    /** Which digest a family's listing depends on. */
    enum Kind {
        /** Sizes and catalog statistics: what DDL, writes, vacuum and analyze move. */
        STRUCTURE,
        /** Statistics counters as well: what every read moves. */
        ACTIVITY
    }

    /** Both digests of one database at one moment; null digests when something was locked. */
    record Digests(String structure, String activity) {
        String of(Kind kind) {
            return kind == Kind.STRUCTURE ? structure : activity;
        }
    }

    static final List<String> STRUCTURE_INPUTS = List.of("c.oid::int8", "c.xmin::text::int8", "n.xmin::text::int8",
            "coalesce(x.xmin::text::int8, 0)", "c.relfilenode::int8", "c.relpages::int8", "c.reltuples::int8",
            "c.relnatts::int8", "c.reltoastrelid::int8", "pg_stat_get_tuples_inserted(c.oid)",
            "pg_stat_get_tuples_updated(c.oid)", "pg_stat_get_tuples_deleted(c.oid)", "pg_stat_get_vacuum_count(c.oid)",
            "pg_stat_get_autovacuum_count(c.oid)", "pg_stat_get_analyze_count(c.oid)",
            "pg_stat_get_autoanalyze_count(c.oid)");

    static final List<String> ACTIVITY_INPUTS = List.of("c.oid::int8", "pg_stat_get_numscans(c.oid)",
            "pg_stat_get_tuples_returned(c.oid)", "pg_stat_get_tuples_fetched(c.oid)",
            "pg_stat_get_tuples_hot_updated(c.oid)", "pg_stat_get_live_tuples(c.oid)", "pg_stat_get_dead_tuples(c.oid)",
            "pg_stat_get_mod_since_analyze(c.oid)", "pg_stat_get_blocks_fetched(c.oid)", "pg_stat_get_blocks_hit(c.oid)");

    /**
     * One row: the relation count, both digests and the number of ACCESS EXCLUSIVE relation locks held or awaited in
     * this database. A row's hash chains hashint8extended over its inputs (numbers, no text formatting: the statement
     * costs about half of the {@code tables} listing it can save, measured on 2,500 relations).
     */
    static String sql(int serverVersion) {
        List<String> activity = new ArrayList<>(ACTIVITY_INPUTS);
        if (serverVersion >= 130000) {
            activity.add("pg_stat_get_ins_since_vacuum(c.oid)");
        }
        return """
                SELECT count(*) AS relations, sum(%s)::text AS structure, sum(%s)::text AS activity,
                       (SELECT count(*) FROM pg_locks
                         WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
                           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locked
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_index x ON x.indexrelid = c.oid
                 WHERE c.oid >= 16384 AND c.relkind IN ('r', 't', 'm', 'p', 'i', 'I')"""
                .formatted(chain(STRUCTURE_INPUTS), chain(activity));
    }

    /** hashint8extended(last, ... hashint8extended(first, 0)): order-sensitive, so two swapped values differ. */
    static String chain(List<String> inputs) {
        String hash = "0";
        for (String input : inputs) {
            hash = "hashint8extended(" + input + ", " + hash + ")";
        }
        return hash;
    }

    private RelationDigest() {
    }

    /** The digests of the visited database, read once per visit (absent when the visit shares nothing). */
    static Uni<Digests> read(CollectionContext context, SqlClient client) {
        if (context.visit() == null) {
            return Uni.createFrom().nullItem();
        }
        return context.visit().once("relation-digest", () -> client.query(sql(context.serverVersion())).execute()
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong("locked") > 0) {
                        return new Digests(null, null);
                    }
                    String structure = r.getLong("relations") + "/" + r.getString("structure");
                    return new Digests(structure, structure + "/" + r.getString("activity"));
                }));
    }
}
