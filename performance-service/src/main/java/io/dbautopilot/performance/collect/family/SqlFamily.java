package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.MetricFamily;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.dbautopilot.performance.collect.StatementTurns;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/** Base for families that run one (possibly multi-statement) read-only query and map its result sets to points. */
abstract class SqlFamily implements MetricFamily {

    private final String name;
    private final FamilyScope scope;
    private final Duration defaultInterval;
    private final boolean heavy;

    SqlFamily(String name, FamilyScope scope, Duration defaultInterval, boolean heavy) {
        this.name = name;
        this.scope = scope;
        this.defaultInterval = defaultInterval;
        this.heavy = heavy;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FamilyScope scope() {
        return scope;
    }

    @Override
    public Duration defaultInterval() {
        return defaultInterval;
    }

    @Override
    public boolean heavy() {
        return heavy;
    }

    /** The SQL to run for this context; several statements separated by {@code ;} give several result sets. */
    protected abstract String sql(CollectionContext context);

    /** Maps the result sets (in statement order) to points. */
    protected abstract void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points);

    /** Labels every point carries (per-database families add {@code datname}). */
    protected Map<String, String> baseLabels(CollectionContext context) {
        return Map.of();
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return gated(context, client, () -> run(context, client, sql(context)));
    }

    /** The relation digest this family's listing depends on; null (the default): the listing runs every time. */
    RelationDigest.Kind digestKind() {
        return null;
    }

    /** This family's last listing per database, when it is gated. */
    private final ListingReuse reuse = new ListingReuse();

    /**
     * Runs this family's listing, or reuses the points of its last one when nothing it reports can have changed: in a
     * database whose listing answers more than {@link #TURN_ABOVE_ROWS} rows, the visit's {@link RelationDigest}
     * (read before any listing of the visit) is compared with the one read before the last listing; equal (same
     * server life, younger than {@code relation-cache-max-age}) means the same statistics functions would return the
     * same values, so the statement is skipped. A database whose digest keeps moving is listed without it for a while
     * ({@link ListingReuse}). Every run of a gated family reports {@code pg_relation_listing_reused{family}} (1:
     * reused, 0: listed).
     */
    Uni<List<MetricPoint>> gated(CollectionContext context, SqlClient client, Supplier<Uni<List<MetricPoint>>> listing) {
        RelationDigest.Kind kind = digestKind();
        if (kind == null) {
            return listing.get();
        }
        String key = key(context);
        Duration maxAge = context.settings() == null ? Duration.ZERO : context.settings().relationCacheMaxAge();
        Instant now = Instant.now();
        if (!large.contains(key) || maxAge.isZero() || context.visit() == null) {
            reuse.forget(key);
            return listing.get().map(points -> marked(context, points, false));
        }
        if (!reuse.worthChecking(key, now)) {
            return listing.get().map(points -> {
                reuse.listed(key, null, context.epoch(), points, now);
                return marked(context, points, false);
            });
        }
        return RelationDigest.read(context, client).onFailure().recoverWithNull().chain(digests -> {
            String digest = digests == null ? null : digests.of(kind);
            Optional<List<MetricPoint>> last = reuse.reusable(key, digest, context.epoch(), maxAge, now);
            if (last.isPresent()) {
                return Uni.createFrom().item(marked(context, last.get(), true));
            }
            return listing.get().map(points -> {
                reuse.listed(key, large.contains(key) ? digest : null, context.epoch(), points, now);
                return marked(context, points, false);
            });
        });
    }

    private List<MetricPoint> marked(CollectionContext context, List<MetricPoint> points, boolean reused) {
        PointsBuilder marker = new PointsBuilder(baseLabels(context));
        marker.add("pg_relation_listing_reused", reused ? 1 : 0, "family", name());
        List<MetricPoint> out = new ArrayList<>(points.size() + 1);
        out.addAll(points);
        out.addAll(marker.build());
        return out;
    }

    private static String key(CollectionContext context) {
        return context.targetId() + '\u0000' + context.database();
    }

    /**
     * A listing answering more rows than this takes its turn on the target (see {@link StatementTurns}); smaller ones
     * (a database of a few tables) cost less than the wait and run at once.
     */
    static final int TURN_ABOVE_ROWS = 100;

    /** Databases (target and name) where this family's last listing answered more than {@link #TURN_ABOVE_ROWS}. */
    private final Set<String> large = ConcurrentHashMap.newKeySet();

    /**
     * Runs a relation listing of this family: the listings of heavy per-database families in a database where they
     * answered more than {@link #TURN_ABOVE_ROWS} rows last time take their turn on the target (one at a time across
     * the target's connections); others run at once. Remembers the size of the answer for next time.
     */
    Uni<RowSet<Row>> listing(CollectionContext context, Supplier<Uni<RowSet<Row>>> statement) {
        String key = key(context);
        Uni<RowSet<Row>> run = large.contains(key) ? statement(context, statement) : statement.get();
        return run.invoke(first -> {
            int rows = 0;
            for (RowSet<Row> r = first; r != null; r = r.next()) {
                rows += r.size();
            }
            if (rows > TURN_ABOVE_ROWS) {
                large.add(key);
            } else {
                large.remove(key);
            }
        });
    }

    /** Runs a statement in its turn when this is a heavy per-database family (else at once). */
    <T> Uni<T> statement(CollectionContext context, Supplier<Uni<T>> statement) {
        StatementTurns turns = context.turns();
        return turns != null && heavy && scope == FamilyScope.DATABASE ? turns.run(statement) : statement.get();
    }

    /** Runs the given SQL and maps its result sets. */
    protected Uni<List<MetricPoint>> run(CollectionContext context, SqlClient client, String sql) {
        return listing(context, () -> client.query(sql).execute()).map(first -> {
            List<RowSet<Row>> results = new ArrayList<>();
            for (RowSet<Row> r = first; r != null; r = r.next()) {
                results.add(r);
            }
            PointsBuilder points = new PointsBuilder(baseLabels(context));
            map(context, results, points);
            return points.build();
        });
    }

    /**
     * Runs a one-statement query that takes the relation oids as its {@code int8[]} parameter {@code $1}; an empty
     * list answers null without a round trip.
     */
    Uni<RowSet<Row>> readOids(CollectionContext context, SqlClient client, String sql, List<Long> oids) {
        if (oids.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        Supplier<Uni<RowSet<Row>>> read = () -> client.preparedQuery(sql).execute(Tuple.of(oids.toArray(Long[]::new)));
        return oids.size() > TURN_ABOVE_ROWS ? statement(context, read) : read.get();
    }

    /**
     * The cached-read flow of the size families: runs the listing (columns {@code oid}, {@code change_key},
     * {@code locked}), re-reads the values of relations whose key moved (never of locked ones) with {@code valuesSql}
     * into the cache, then maps the listing, whose rows look their values up in the cache, and reports the cache's work.
     */
    <V> Uni<List<MetricPoint>> collectCached(CollectionContext context, SqlClient client, String listingSql,
                                             String valuesSql, RelationCache<V> cache, Function<Row, V> value) {
        Instant now = Instant.now();
        return listing(context, () -> client.query(listingSql).execute()).chain(listing -> {
            Map<Long, String> changeKeys = new HashMap<>();
            Set<Long> locked = new HashSet<>();
            for (Row r : listing) {
                changeKeys.put(r.getLong("oid"), r.getString("change_key"));
                if (r.getBoolean("locked")) {
                    locked.add(r.getLong("oid"));
                }
            }
            RelationCache.Plan plan = cache.plan(context, changeKeys, context.settings().relationCacheMaxAge(), now);
            List<Long> reread = plan.reread().stream().filter(oid -> !locked.contains(oid)).toList();
            return readOids(context, client, valuesSql, reread).map(fresh -> {
                int read = 0;
                if (fresh != null) {
                    for (Row r : fresh) {
                        long oid = r.getLong("oid");
                        cache.put(context, oid, changeKeys.get(oid), value.apply(r), now);
                        read++;
                    }
                }
                PointsBuilder points = new PointsBuilder(baseLabels(context));
                map(context, List.of(listing), points);
                cachePoints(points, name(), plan, read);
                return points.build();
            });
        });
    }

    /** Reports how many relations a cached read re-read and reused in this run, labelled with the cache's name. */
    static void cachePoints(PointsBuilder points, String cache, RelationCache.Plan plan, int reread) {
        points.add("pg_relation_cache_reread", reread, "cache", cache);
        points.add("pg_relation_cache_reused", plan.reused(), "cache", cache);
    }

    /** A row's column (by position) as double, 0 when null. */
    static double number(Row row, int column) {
        Object v = row.getValue(column);
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    /** A row's column as double, 0 when null. */
    static double number(Row row, String column) {
        Object v = row.getValue(column);
        return v instanceof Number n ? n.doubleValue() : 0;
    }
}
