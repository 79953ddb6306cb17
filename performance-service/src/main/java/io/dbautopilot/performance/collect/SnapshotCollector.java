package io.dbautopilot.performance.collect;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.host.HostCollector;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one collection cycle for a target: a cheap probe (version, load, databases), then the server-wide
 * families on one connection while the per-database families visit every database on at most
 * {@code max-connections - 1} more, then the host family. Each family is isolated: one that fails, is
 * unavailable or is skipped (target busy, budget spent) is reported and the others carry on.
 */
@ApplicationScoped
public class SnapshotCollector {

    private static final Logger LOG = Logger.getLogger(SnapshotCollector.class);
    /** A per-database connection unused this long is closed (its database's families run less often than that). */
    static final Duration MAX_IDLE = Duration.ofMinutes(5);
    /**
     * At most this many databases of a target are visited at once, however high its {@code max-connections}: a higher
     * cap keeps more connections for reuse (one per database), it does not open them all at the same moment (a cap of
     * 101 over 100 databases ran 100 visits at once per target and saturated a 2-core server, docs/benchmarks.md).
     */
    static final int MAX_PARALLEL_VISITS = 4;

    private final TargetConnections connections;
    private final FamilyCatalog catalog;
    private final LoadGate loadGate;
    private final HostCollector host;
    private final TargetsConfig config;

    public SnapshotCollector(TargetConnections connections, FamilyCatalog catalog, LoadGate loadGate,
                             HostCollector host, TargetsConfig config) {
        this.connections = connections;
        this.catalog = catalog;
        this.loadGate = loadGate;
        this.host = host;
        this.config = config;
    }

    /** Collects one snapshot; never fails: problems are reported inside the snapshot. */
    public Uni<CycleResult> collect(TargetRuntime target) {
        Cycle cycle = new Cycle(target, Instant.now(), System.nanoTime());
        Uni<Void> postgres = connections.pool(target.id()).withConnection(conn -> TargetProbe.read(conn)
                        .chain(probe -> {
                            cycle.probe = probe;
                            target.learnDataDirectory(probe.dataDirectory());
                            List<String> visited = probe.databases().stream().filter(cycle.filter::accepts).toList();
                            target.databases(visited);
                            target.expireIdle(cycle.start, MAX_IDLE);
                            if (loadGate.releaseSlots(target, probe) && target.idleConnections() > 0) {
                                LOG.debugf("target %s near its connection limit: closing %d idle collector connections",
                                        target.id(), target.idleConnections());
                                target.closeIdleConnections();
                            }
                            cycle.busy = loadGate.busyReason(target, probe).orElse(null);
                            cycle.overran = loadGate.overrunReason(target).orElse(null);
                            CollectionContext context = new CollectionContext(target.id(), probe.currentDatabase(),
                                    probe.serverVersion(), probe.inRecovery(),
                                    Double.toString(probe.postmasterStart()), cycle.start, target.counters(),
                                    config.collection(), target.turns(), new DatabaseVisit(), cycle.filter);
                            Uni<Void> main = runServerFamilies(cycle, context, conn)
                                    .chain(() -> visited.contains(probe.currentDatabase())
                                            ? runDatabaseFamilies(cycle, context, conn).replaceWithVoid()
                                            : Uni.createFrom().voidItem());
                            List<String> others = visited.stream()
                                    .filter(d -> !d.equals(probe.currentDatabase())).toList();
                            return Uni.combine().all().unis(main, runOtherDatabases(cycle, context, others))
                                    .discardItems();
                        }))
                .onFailure().invoke(error -> {
                    cycle.connectError = describe(error);
                    LOG.debugf("target %s unreachable: %s", target.id(), cycle.connectError);
                })
                .onFailure().recoverWithNull().replaceWithVoid();
        return postgres.chain(() -> runHost(cycle)).map(ignored -> cycle.snapshot(perDatabaseFamilies()));
    }

    private java.util.Set<String> perDatabaseFamilies() {
        java.util.Set<String> names = new java.util.HashSet<>();
        catalog.of(FamilyScope.DATABASE).forEach(f -> names.add(f.name()));
        return names;
    }

    private Uni<Void> runServerFamilies(Cycle cycle, CollectionContext context, SqlClient client) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (MetricFamily family : catalog.of(FamilyScope.SERVER)) {
            chain = chain.chain(() -> runFamily(cycle, family, context, client, null).replaceWithVoid());
        }
        return chain;
    }

    /** Runs the due per-database families on one connection; true if none failed (the connection may be reused). */
    private Uni<Boolean> runDatabaseFamilies(Cycle cycle, CollectionContext context, SqlClient client) {
        AtomicBoolean healthy = new AtomicBoolean(true);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (MetricFamily family : catalog.of(FamilyScope.DATABASE)) {
            chain = chain.chain(() -> runFamily(cycle, family, context, client, context.database())
                    .invoke(ok -> {
                        if (!ok) {
                            healthy.set(false);
                        }
                    }).replaceWithVoid());
        }
        return chain.map(v -> healthy.get());
    }

    private Uni<Void> runOtherDatabases(Cycle cycle, CollectionContext context, List<String> databases) {
        // only databases with a family due, the longest-waiting first (a family never run, or run longest ago): when
        // the budget cuts a cycle short, the databases left out are first in line next time (no database is starved)
        Map<String, MetricFamily> families = new LinkedHashMap<>();
        catalog.of(FamilyScope.DATABASE).forEach(f -> families.put(f.name(), f));
        List<String> due = cycle.target.oldestDueFirst(databases, List.copyOf(families.keySet()),
                (family, db) -> cycle.isDue(families.get(family), catalog, db));
        if (due.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int concurrency = parallelVisits(cycle.target.config().maxConnections());
        return Multi.createFrom().iterable(due)
                .onItem().transformToUni(db -> visit(cycle, context.forDatabase(db)))
                .merge(concurrency)
                .collect().last().replaceWithVoid();
    }

    /** How many databases of a target are visited at once: the connections beside the pooled one, at most 4. */
    static int parallelVisits(int maxConnections) {
        return Math.min(MAX_PARALLEL_VISITS, Math.max(1, maxConnections - 1));
    }

    private Uni<Void> visit(Cycle cycle, CollectionContext context) {
        String db = context.database();
        if (cycle.overBudget()) {
            catalog.of(FamilyScope.DATABASE).stream().filter(f -> cycle.isDue(f, catalog, db))
                    .forEach(f -> cycle.skip(f.name(), db, cycle.budgetReason()));
            return Uni.createFrom().voidItem();
        }
        // a connection kept from the last visit to this database holds its permit of the cap already
        Optional<DatabaseConnection> kept = cycle.target.idleConnection(db);
        if (kept.isEmpty() && !cycle.target.tryTakeConnection()) {
            // an advisor holds one of the target's connections: this database stays due and is first next cycle
            catalog.of(FamilyScope.DATABASE).stream().filter(f -> cycle.isDue(f, catalog, db))
                    .forEach(f -> cycle.skip(f.name(), db, "connection cap of " + cycle.target.config().maxConnections()
                            + " reached (an advisor is using one)"));
            return Uni.createFrom().voidItem();
        }
        Uni<DatabaseConnection> open;
        if (kept.isPresent() && kept.get().open()) {
            cycle.reused();
            open = Uni.createFrom().item(kept.get());
        } else {
            kept.ifPresent(DatabaseConnection::close); // closed by the server meanwhile: its permit is ours, reconnect
            cycle.opened();
            open = connections.connect(cycle.target.id(), db).map(DatabaseConnection::new);
        }
        return open
                .onFailure().invoke(error -> cycle.target.returnConnection())
                .onItem().transformToUni(conn -> runDatabaseFamilies(cycle, context, conn.connection())
                        .onTermination().invoke((healthy, error, cancelled) -> cycle.target.release(db, conn,
                                Boolean.TRUE.equals(healthy), Instant.now())))
                .replaceWithVoid()
                .onFailure().recoverWithUni(error -> {
                    String message = "cannot connect to database " + db + ": " + describe(error);
                    catalog.of(FamilyScope.DATABASE).stream().filter(f -> cycle.isDue(f, catalog, db))
                            .forEach(f -> cycle.fail(f.name(), db, message, 0));
                    return Uni.createFrom().voidItem();
                });
    }

    /** Runs a family if due; the item is false when it failed (not when it was skipped or unavailable). */
    private Uni<Boolean> runFamily(Cycle cycle, MetricFamily family, CollectionContext context, SqlClient client,
                                   String database) {
        if (!cycle.isDue(family, catalog, database)) {
            return Uni.createFrom().item(true);
        }
        if (family.heavy() && cycle.busy != null) {
            cycle.skip(family.name(), database, cycle.busy);
            return Uni.createFrom().item(true);
        }
        if (family.heavy() && database == null && cycle.overran != null) {
            cycle.skip(family.name(), null, cycle.overran);
            return Uni.createFrom().item(true);
        }
        if (cycle.overBudget()) {
            cycle.skip(family.name(), database, cycle.budgetReason());
            return Uni.createFrom().item(true);
        }
        long t0 = System.nanoTime();
        Duration guard = cycle.target.config().queryTimeout().plusSeconds(2);
        return Uni.createFrom().deferred(() -> family.collect(context, client))
                .ifNoItem().after(guard).failWith(() -> new IllegalStateException(
                        "no answer within " + guard.toMillis() + " ms"))
                .map(points -> {
                    cycle.ran(family.name(), database, database == null && family.rowsPerDatabase()
                            ? cycle.filter.ownRows(points) : points, elapsedMs(t0));
                    return true;
                })
                .onFailure(FamilyUnavailableException.class).recoverWithItem(e -> {
                    if (cycle.target.firstUnavailable(family.name(), e.getMessage())) {
                        LOG.infof("Target %s: family %s unavailable: %s", cycle.target.id(), family.name(),
                                e.getMessage());
                    }
                    cycle.unavailable(family.name(), database, e.getMessage(), elapsedMs(t0));
                    return true;
                })
                .onFailure().recoverWithItem(e -> {
                    cycle.fail(family.name(), database, describe(e), elapsedMs(t0));
                    return false;
                });
    }

    private Uni<Void> runHost(Cycle cycle) {
        if (!host.enabledFor(cycle.target) || catalog.disabled(cycle.target.config(), FamilyCatalog.HOST)
                || !cycle.target.due(FamilyCatalog.HOST, catalog.interval(cycle.target.config(), FamilyCatalog.HOST,
                cycle.target.config().interval()), cycle.start)) {
            return Uni.createFrom().voidItem();
        }
        long t0 = System.nanoTime();
        return host.collect(cycle.target)
                .map(points -> {
                    cycle.ran(FamilyCatalog.HOST, null, points, elapsedMs(t0));
                    return (Void) null;
                })
                .onFailure().recoverWithItem(e -> {
                    cycle.fail(FamilyCatalog.HOST, null, describe(e), elapsedMs(t0));
                    return null;
                });
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** One cycle in progress: results arrive from several connections, so every mutation is synchronized. */
    private static final class Cycle {
        final TargetRuntime target;
        final DatabaseFilter filter;
        final Instant start;
        final long startNanos;
        final List<MetricPoint> points = new ArrayList<>();
        final Map<String, List<MetricPoint>> byFamily = new TreeMap<>();
        final Map<String, List<Outcome>> outcomes = new TreeMap<>();
        volatile TargetProbe probe;
        volatile String busy;
        volatile String overran;
        volatile String connectError;
        final java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger reused = new java.util.concurrent.atomic.AtomicInteger();

        Cycle(TargetRuntime target, Instant start, long startNanos) {
            this.target = target;
            this.filter = DatabaseFilter.of(target.config());
            this.start = start;
            this.startNanos = startNanos;
        }

        boolean isDue(MetricFamily family, FamilyCatalog catalog) {
            return isDue(family, catalog, null);
        }

        /** Per-database families are scheduled per database, so a database cut off by the budget stays due. */
        boolean isDue(MetricFamily family, FamilyCatalog catalog, String database) {
            return !catalog.disabled(target.config(), family.name())
                    && target.due(TargetRuntime.scheduleKey(family.name(), database),
                    catalog.interval(target.config(), family.name(), family.defaultInterval()), start);
        }

        void opened() {
            opened.incrementAndGet();
        }

        void reused() {
            reused.incrementAndGet();
        }

        boolean overBudget() {
            return elapsedMs(startNanos) > target.config().cycleBudget().toMillis();
        }

        String budgetReason() {
            return "cycle budget of " + target.config().cycleBudget().toMillis() + " ms spent";
        }

        synchronized void ran(String family, String db, List<MetricPoint> found, long ms) {
            points.addAll(found);
            byFamily.computeIfAbsent(family, f -> new ArrayList<>()).addAll(found);
            add(family, new Outcome(db, FamilyStatus.RAN, ms, null));
        }

        synchronized void fail(String family, String db, String error, long ms) {
            add(family, new Outcome(db, FamilyStatus.FAILED, ms, error));
        }

        synchronized void unavailable(String family, String db, String reason, long ms) {
            add(family, new Outcome(db, FamilyStatus.UNAVAILABLE, ms, reason));
        }

        synchronized void skip(String family, String db, String reason) {
            outcomes.computeIfAbsent(family, f -> new ArrayList<>()).add(new Outcome(db, FamilyStatus.SKIPPED, 0, reason));
        }

        private void add(String family, Outcome outcome) {
            outcomes.computeIfAbsent(family, f -> new ArrayList<>()).add(outcome);
        }

        synchronized CycleResult snapshot(java.util.Set<String> perDatabaseFamilies) {
            long duration = elapsedMs(startNanos);
            List<MetricPoint> own = new ArrayList<>();
            own.add(MetricPoint.of("pg_up", connectError == null ? 1 : 0));
            Map<String, String> errors = new LinkedHashMap<>();
            if (connectError != null) {
                errors.put("connection", connectError);
            }
            if (probe != null) {
                own.add(MetricPoint.of("pg_server_version_num", probe.serverVersion()));
                own.add(MetricPoint.of("pg_is_in_recovery", probe.inRecovery() ? 1 : 0));
                own.add(MetricPoint.of("pg_postmaster_start_time_seconds", probe.postmasterStart()));
                own.add(MetricPoint.of("pg_databases_visited", target.databases().size()));
                own.add(MetricPoint.of("pg_target_busy", busy == null && overran == null ? 0 : 1));
                own.add(MetricPoint.of("pg_collector_database_connections_opened", opened.get()));
                own.add(MetricPoint.of("pg_collector_database_connections_reused", reused.get()));
            }
            List<MetricPoint> all = new ArrayList<>(own);
            all.addAll(points);
            List<FamilyResult> results = new ArrayList<>();
            outcomes.forEach((family, list) -> {
                results.add(summarize(family, list));
                // and one entry per database where it did not run (skipped for the budget, failed, unavailable)
                for (Outcome o : list) {
                    if (o.database() != null && o.status() != FamilyStatus.RAN) {
                        results.add(new FamilyResult(family, o.status(), o.durationMs(), o.detail(), o.database()));
                    }
                }
                for (Outcome o : list) {
                    if (o.status() == FamilyStatus.FAILED) {
                        errors.put(o.database() == null ? family : family + "[" + o.database() + "]", o.detail());
                    }
                    if (o.status() != FamilyStatus.SKIPPED) {
                        target.ran(TargetRuntime.scheduleKey(family, o.database()), start);
                        if (o.database() != null) {
                            target.visited(o.database(), start);
                        }
                    }
                }
            });
            target.lastCycleMs(duration);
            Map<String, List<MetricPoint>> families = new TreeMap<>(byFamily);
            families.put(CycleResult.CYCLE, own);
            return new CycleResult(new MetricSnapshot(target.id(), start, duration, results, errors, all), families,
                    probe == null ? java.util.Set.of() : java.util.Set.copyOf(target.databases()), perDatabaseFamilies);
        }

        /** One result per family: per-database outcomes are folded, the worst status wins only if all share it. */
        private static FamilyResult summarize(String family, List<Outcome> list) {
            long ms = list.stream().mapToLong(Outcome::durationMs).sum();
            if (list.size() == 1 && list.get(0).database() == null) {
                Outcome o = list.get(0);
                return new FamilyResult(family, o.status(), ms, o.detail());
            }
            Map<FamilyStatus, List<Outcome>> by = new LinkedHashMap<>();
            list.forEach(o -> by.computeIfAbsent(o.status(), s -> new ArrayList<>()).add(o));
            if (by.size() == 1) {
                FamilyStatus only = by.keySet().iterator().next();
                String detail = only == FamilyStatus.RAN ? null
                        : list.get(0).detail() + (list.size() > 1 ? " (" + list.size() + " databases)" : "");
                return new FamilyResult(family, only, ms, detail);
            }
            FamilyStatus status = by.containsKey(FamilyStatus.RAN) ? FamilyStatus.RAN : by.keySet().iterator().next();
            List<String> notes = new ArrayList<>();
            by.forEach((s, outcomes) -> {
                if (s != FamilyStatus.RAN) {
                    List<String> dbs = outcomes.stream().map(Outcome::database).limit(5).toList();
                    notes.add(outcomes.size() + " database(s) " + s.name().toLowerCase() + " " + dbs
                            + (outcomes.size() > 5 ? "…" : "") + ": " + outcomes.get(0).detail());
                }
            });
            Collections.sort(notes);
            return new FamilyResult(family, status, ms, String.join("; ", notes));
        }
    }

    private record Outcome(String database, FamilyStatus status, long durationMs, String detail) {
    }
}
