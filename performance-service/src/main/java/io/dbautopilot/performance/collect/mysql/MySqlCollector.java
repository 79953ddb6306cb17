package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.DatabaseFilter;
import io.dbautopilot.performance.collect.FamilyCatalog;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.collect.host.HostCollector;
import io.dbautopilot.performance.engine.EngineCollector;
import io.dbautopilot.performance.engine.ServerCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.mysqlclient.MySQLConnection;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mysqlclient.MySQLException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MySQL and MariaDB behind the collection SPI: per cycle a cheap probe (version, uptime, schemas), then every due
 * family on the target's one connection (every schema is read in one query), then the host family. Each family is
 * isolated: one that fails, is unavailable (binary log off, a privilege missing) or is skipped (cycle budget spent)
 * is reported and the others carry on; an unreachable server is {@code mysql_up = 0}.
 */
@ApplicationScoped
public class MySqlCollector implements EngineCollector {

    private static final Logger LOG = Logger.getLogger(MySqlCollector.class);

    private final MySqlConnections connections;
    private final List<MySqlFamily> families;
    private final FamilyCatalog catalog;
    private final HostCollector host;
    private final TargetsConfig config;
    private final Vertx vertx;
    /** Per target, the server start time of the previous cycle (uptime jitters by a second between reads). */
    private final Map<String, Long> starts = new ConcurrentHashMap<>();

    public MySqlCollector(MySqlConnections connections, Instance<MySqlFamily> families, FamilyCatalog catalog,
                          HostCollector host, TargetsConfig config, Vertx vertx) {
        this.connections = connections;
        this.families = families.stream().sorted(Comparator.comparing(MySqlFamily::name)).toList();
        this.catalog = catalog;
        this.host = host;
        this.config = config;
        this.vertx = vertx;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.MYSQL, Engine.MARIADB);
    }

    @Override
    public Set<String> familyNames() {
        Set<String> names = new TreeSet<>();
        families.forEach(f -> names.add(f.name()));
        names.add(FamilyCatalog.HOST);
        return names;
    }

    @Override
    public void validate(String targetId, TargetsConfig.Target target) {
        MySqlConnections.connectOptions(targetId, target);
    }

    @Override
    public String upMetric() {
        return "mysql_up";
    }

    @Override
    public ServerCheck check(String targetId, TargetsConfig.Target target) {
        Duration timeout = target.queryTimeout().plusSeconds(5);
        try {
            String version = MySQLConnection.connect(vertx, MySqlConnections.connectOptions(targetId, target))
                    .chain(c -> c.query("SELECT VERSION()").execute()
                            .map(rows -> MySqlValues.text(rows.iterator().next().getValue(0)))
                            .eventually(c::close))
                    .await().atMost(timeout);
            return new ServerCheck(true, version, null, null);
        } catch (IllegalArgumentException e) {
            return new ServerCheck(false, null, e.getMessage(), "url");
        } catch (RuntimeException e) {
            Throwable cause = e instanceof MySQLException || e.getCause() == null ? e : e.getCause();
            if (cause instanceof MySQLException my) {
                // 1045 access denied, 1044 no access to the database
                String field = my.getErrorCode() == 1045 ? "credentials_ref" : "url";
                return new ServerCheck(false, null, my.getMessage() + " (error " + my.getErrorCode() + ")", field);
            }
            String message = e instanceof io.smallrye.mutiny.TimeoutException
                    ? "no answer within " + timeout.toSeconds() + "s"
                    : String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return new ServerCheck(false, null, message, "url");
        }
    }

    @Override
    public Uni<CycleResult> collect(TargetRuntime target) {
        Cycle cycle = new Cycle(target, Instant.now(), System.nanoTime());
        Uni<Void> server = connections.pool(target.id()).withConnection(conn -> MySqlProbe.read(conn).chain(read -> {
                    MySqlProbe probe = steady(target.id(), read);
                    cycle.probe = probe;
                    DatabaseFilter filter = DatabaseFilter.of(target.config());
                    List<String> visited = probe.schemas().stream().filter(filter::accepts).toList();
                    target.databases(visited);
                    MySqlContext context = new MySqlContext(target.id(), probe, visited, filter, cycle.start,
                            target.counters(), config.collection());
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (MySqlFamily family : families) {
                        chain = chain.chain(() -> run(cycle, family, context, conn));
                    }
                    return chain;
                }))
                .onFailure().invoke(error -> {
                    cycle.connectError = describe(error);
                    LOG.debugf("target %s unreachable: %s", target.id(), cycle.connectError);
                })
                .onFailure().recoverWithNull().replaceWithVoid();
        return server.chain(() -> runHost(cycle)).map(ignored -> cycle.snapshot());
    }

    /** The probe with the start time of the previous cycle when it moved by uptime's jitter only. */
    private MySqlProbe steady(String targetId, MySqlProbe probe) {
        Long before = starts.get(targetId);
        if (before != null && Math.abs(before - probe.startedAt()) <= 2) {
            return new MySqlProbe(probe.version(), probe.versionComment(), probe.mariadb(), probe.readOnly(),
                    probe.uptimeSeconds(), before, probe.schemas());
        }
        starts.put(targetId, probe.startedAt());
        return probe;
    }

    void onReleased(@Observes TargetRegistry.Released released) {
        starts.remove(released.id());
    }

    private Uni<Void> run(Cycle cycle, MySqlFamily family, MySqlContext context, SqlClient client) {
        TargetRuntime target = cycle.target;
        if (catalog.disabled(target.config(), family.name()) || !target.due(family.name(),
                catalog.interval(target.config(), family.name(), family.defaultInterval()), cycle.start)) {
            return Uni.createFrom().voidItem();
        }
        if (cycle.overBudget()) {
            cycle.add(family.name(), FamilyStatus.SKIPPED, 0, "cycle budget of "
                    + target.config().cycleBudget().toMillis() + " ms spent", List.of());
            return Uni.createFrom().voidItem();
        }
        long t0 = System.nanoTime();
        Duration guard = target.config().queryTimeout().plusSeconds(2);
        return Uni.createFrom().deferred(() -> family.collect(context, client))
                .ifNoItem().after(guard).failWith(() -> new IllegalStateException(
                        "no answer within " + guard.toMillis() + " ms"))
                .map(points -> {
                    cycle.add(family.name(), FamilyStatus.RAN, elapsedMs(t0), null, points);
                    return (Void) null;
                })
                .onFailure(FamilyUnavailableException.class).recoverWithItem(e -> {
                    if (target.firstUnavailable(family.name(), e.getMessage())) {
                        LOG.infof("Target %s: family %s unavailable: %s", target.id(), family.name(), e.getMessage());
                    }
                    cycle.add(family.name(), FamilyStatus.UNAVAILABLE, elapsedMs(t0), e.getMessage(), List.of());
                    return null;
                })
                .onFailure().recoverWithItem(e -> {
                    cycle.add(family.name(), FamilyStatus.FAILED, elapsedMs(t0), describe(e), List.of());
                    return null;
                });
    }

    private Uni<Void> runHost(Cycle cycle) {
        TargetRuntime target = cycle.target;
        if (!host.enabledFor(target) || catalog.disabled(target.config(), FamilyCatalog.HOST)
                || !target.due(FamilyCatalog.HOST, catalog.interval(target.config(), FamilyCatalog.HOST,
                target.config().interval()), cycle.start)) {
            return Uni.createFrom().voidItem();
        }
        long t0 = System.nanoTime();
        return host.collect(target)
                .map(points -> {
                    cycle.add(FamilyCatalog.HOST, FamilyStatus.RAN, elapsedMs(t0), null, points);
                    return (Void) null;
                })
                .onFailure().recoverWithItem(e -> {
                    cycle.add(FamilyCatalog.HOST, FamilyStatus.FAILED, elapsedMs(t0), describe(e), List.of());
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

    /** One cycle in progress (families run one after another on one connection). */
    private static final class Cycle {
        final TargetRuntime target;
        final Instant start;
        final long startNanos;
        final Map<String, List<MetricPoint>> byFamily = new TreeMap<>();
        final Map<String, FamilyResult> results = new LinkedHashMap<>();
        volatile MySqlProbe probe;
        volatile String connectError;

        Cycle(TargetRuntime target, Instant start, long startNanos) {
            this.target = target;
            this.start = start;
            this.startNanos = startNanos;
        }

        boolean overBudget() {
            return elapsedMs(startNanos) > target.config().cycleBudget().toMillis();
        }

        synchronized void add(String family, FamilyStatus status, long ms, String detail, List<MetricPoint> points) {
            results.put(family, new FamilyResult(family, status, ms, detail));
            if (status == FamilyStatus.RAN) {
                byFamily.put(family, points);
            }
            if (status != FamilyStatus.SKIPPED) {
                target.ran(family, start);
            }
        }

        synchronized CycleResult snapshot() {
            long duration = elapsedMs(startNanos);
            List<MetricPoint> own = new ArrayList<>();
            own.add(MetricPoint.of("mysql_up", connectError == null ? 1 : 0));
            Map<String, String> errors = new LinkedHashMap<>();
            if (connectError != null) {
                errors.put("connection", connectError);
            }
            if (probe != null) {
                own.add(MetricPoint.of("mysql_server_start_time_seconds", probe.startedAt()));
                own.add(MetricPoint.of("mysql_read_only", probe.readOnly() ? 1 : 0));
                own.add(MetricPoint.of("mysql_collector_schemas_visited", target.databases().size()));
            }
            List<MetricPoint> all = new ArrayList<>(own);
            byFamily.values().forEach(all::addAll);
            results.values().stream().filter(r -> r.status() == FamilyStatus.FAILED)
                    .forEach(r -> errors.put(r.family(), r.detail()));
            target.lastCycleMs(duration);
            Map<String, List<MetricPoint>> families = new TreeMap<>(byFamily);
            families.put(CycleResult.CYCLE, own);
            return new CycleResult(new MetricSnapshot(target.id(), start, duration, List.copyOf(results.values()),
                    errors, all), families, probe == null ? Set.of() : Set.copyOf(target.databases()), Set.of());
        }
    }
}
