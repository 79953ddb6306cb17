package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Base for per-database families: they run in every visited database and label every point with {@code datname}. */
abstract class DatabaseSqlFamily extends SqlFamily {

    /** Relations holding or awaiting an ACCESS EXCLUSIVE lock in this database: their sizes are not read (no waiting). */
    static final String LOCKED = """
            WITH locked AS MATERIALIZED (
                SELECT relation FROM pg_locks
                 WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """;

    DatabaseSqlFamily(String name, Duration defaultInterval, boolean heavy) {
        super(name, FamilyScope.DATABASE, defaultInterval, heavy);
    }

    @Override
    protected Map<String, String> baseLabels(CollectionContext context) {
        return Map.of("datname", context.database());
    }

    /**
     * Runs a one-statement query that takes the relation oids as its {@code int8[]} parameter {@code $1}; an empty
     * list answers null without a round trip.
     */
    static Uni<RowSet<Row>> readOids(SqlClient client, String sql, List<Long> oids) {
        if (oids.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return client.preparedQuery(sql).execute(Tuple.of(oids.toArray(Long[]::new)));
    }

    /** Reports how many relations a cached read re-read and reused in this run, labelled with the cache's name. */
    static void cachePoints(PointsBuilder points, String cache, RelationCache.Plan plan, int reread) {
        points.add("pg_relation_cache_reread", reread, "cache", cache);
        points.add("pg_relation_cache_reused", plan.reused(), "cache", cache);
    }
}
