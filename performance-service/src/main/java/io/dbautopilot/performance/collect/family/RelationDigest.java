package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.List;

/**
 * Two digests of every user relation of a database, read once per visit, that tell the relation listings
 * ({@code tables}, {@code indexes}, {@code table_sizes}, {@code bloat}) whether anything they report can have changed
 * since their last run: one row instead of thousands, so a quiet database costs one small statement per visit.
 *
 * <p>Both cover every relation with an OID from FirstNormalObjectId up (tables, TOAST tables, indexes, materialized
 * views, partitioned tables and indexes), read with the same catalog columns and statistics functions the listings
 * use: the {@code structure} digest what sizes and the bloat estimate depend on (per relation a hash of its identity
 * and row versions in pg_class, pg_namespace and pg_index — a rename, ALTER, new or dropped relation, an index turning
 * valid —, file node, page and tuple counts and columns; summed over the relations, tuples inserted, updated and
 * deleted, vacuums and analyzes); the {@code activity} digest adds what reads move (scans, tuples returned and
 * fetched, blocks fetched, live and dead tuples). A relation holding or awaiting an ACCESS EXCLUSIVE lock
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

    /** What identifies a relation's catalog row and storage: hashed per relation (a rename or rewrite changes it). */
    static final List<String> CATALOG = List.of("c.oid::int8", "c.xmin::text::int8", "n.xmin::text::int8",
            "coalesce(x.xmin::text::int8, 0)", "c.relfilenode::int8", "c.relpages::int8", "c.reltuples::int8",
            "c.relnatts::int8");

    /** Counters that only grow between statistics resets: summed over the relations (any increase moves the sum). */
    static final List<String> WRITES = List.of("pg_stat_get_tuples_inserted(c.oid)",
            "pg_stat_get_tuples_updated(c.oid)", "pg_stat_get_tuples_deleted(c.oid)",
            "pg_stat_get_vacuum_count(c.oid) + pg_stat_get_autovacuum_count(c.oid)",
            "pg_stat_get_analyze_count(c.oid) + pg_stat_get_autoanalyze_count(c.oid)");

    /**
     * What reads move (every scan counts on the relation or on the index it used; tuples and blocks with it), and the
     * live and dead tuple estimates, which on-access pruning lowers during reads.
     */
    static final List<String> READS = List.of("pg_stat_get_numscans(c.oid)", "pg_stat_get_tuples_returned(c.oid)",
            "pg_stat_get_tuples_fetched(c.oid)", "pg_stat_get_blocks_fetched(c.oid)",
            "pg_stat_get_live_tuples(c.oid)", "pg_stat_get_dead_tuples(c.oid)");

    /**
     * One row: the relation count, the sum of the relations' catalog hashes, a sum per counter, and the number of
     * ACCESS EXCLUSIVE relation locks held or awaited in this database. One hash per relation (hashint8extended
     * chained over its catalog columns: order-sensitive, numbers only) and plain sums for the counters keep it a
     * fraction of the listings it can save.
     */
    static String sql() {
        StringBuilder sums = new StringBuilder();
        for (int i = 0; i < WRITES.size(); i++) {
            sums.append(", sum(").append(WRITES.get(i)).append(")::text AS w").append(i);
        }
        for (int i = 0; i < READS.size(); i++) {
            sums.append(", sum(").append(READS.get(i)).append(")::text AS r").append(i);
        }
        return """
                SELECT count(*) AS relations, sum(%s)::text AS catalog%s,
                       (SELECT count(*) FROM pg_locks
                         WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
                           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locked
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_index x ON x.indexrelid = c.oid
                 WHERE c.oid >= 16384 AND c.relkind IN ('r', 't', 'm', 'p', 'i', 'I')"""
                .formatted(chain(CATALOG), sums);
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
        return context.visit().once("relation-digest", () -> client.query(sql()).execute()
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong("locked") > 0) {
                        return new Digests(null, null);
                    }
                    StringBuilder structure = new StringBuilder().append(r.getLong("relations")).append('/')
                            .append(r.getString("catalog"));
                    for (int i = 0; i < WRITES.size(); i++) {
                        structure.append('/').append(r.getString("w" + i));
                    }
                    StringBuilder activity = new StringBuilder(structure);
                    for (int i = 0; i < READS.size(); i++) {
                        activity.append('/').append(r.getString("r" + i));
                    }
                    return new Digests(structure.toString(), activity.toString());
                }));
    }
}
