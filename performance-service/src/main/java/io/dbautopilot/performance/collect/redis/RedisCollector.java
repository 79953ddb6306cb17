package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.FamilyCatalog;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.collect.host.HostCollector;
import io.dbautopilot.performance.engine.EngineCollector;
import io.dbautopilot.performance.engine.ServerCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
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

/**
 * Redis behind the collection SPI: per cycle a timed {@code PING} and one {@code INFO} (default sections) on the target's kept
 * connection, then every due family, then the host family. An unreachable server is {@code redis_up = 0} (the
 * connection is dropped and made again next cycle); a failing family is reported and the others carry on.
 */
@ApplicationScoped
public class RedisCollector implements EngineCollector {

    private static final Logger LOG = Logger.getLogger(RedisCollector.class);

    private final RedisConnections connections;
    private final List<RedisFamily> families;
    private final FamilyCatalog catalog;
    private final HostCollector host;
    private final Vertx vertx;

    public RedisCollector(RedisConnections connections, Instance<RedisFamily> families, FamilyCatalog catalog,
                          HostCollector host, Vertx vertx) {
        this.connections = connections;
        this.families = families.stream().sorted(Comparator.comparing(RedisFamily::name)).toList();
        this.catalog = catalog;
        this.host = host;
        this.vertx = vertx;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.REDIS);
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
        RedisConnections.options(targetId, target);
    }

    @Override
    public String upMetric() {
        return "redis_up";
    }

    @Override
    public ServerCheck check(String targetId, TargetsConfig.Target target) {
        Duration timeout = target.queryTimeout().plusSeconds(5);
        Redis client = null;
        try {
            client = Redis.createClient(vertx, RedisConnections.options(targetId, target));
            String info = client.connect()
                    .chain(c -> c.send(Request.cmd(Command.INFO).arg("server")).eventually(c::close))
                    .await().atMost(timeout).toString();
            RedisInfo server = RedisInfo.parse(info);
            return new ServerCheck(true, "Redis " + server.text("redis_version") + " (" + server.text("redis_mode")
                    + ")", null, null);
        } catch (IllegalArgumentException e) {
            return new ServerCheck(false, null, e.getMessage(), "url");
        } catch (RuntimeException e) {
            String message = e instanceof io.smallrye.mutiny.TimeoutException
                    ? "no answer within " + timeout.toSeconds() + "s" : describe(e);
            // NOAUTH / WRONGPASS: the credentials are wrong or missing
            String field = message.contains("NOAUTH") || message.contains("WRONGPASS") ? "credentials_ref" : "url";
            return new ServerCheck(false, null, message, field);
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    @Override
    public Uni<CycleResult> collect(TargetRuntime target) {
        Cycle cycle = new Cycle(target, Instant.now(), System.nanoTime());
        Duration guard = target.config().queryTimeout().plusSeconds(1);
        Uni<Void> server = connections.connection(target.id())
                .chain(conn -> {
                    long t0 = System.nanoTime();
                    return conn.send(Request.cmd(Command.PING))
                            .invoke(pong -> cycle.pingSeconds = (System.nanoTime() - t0) / 1e9)
                            .chain(() -> conn.send(Request.cmd(Command.INFO)))
                            .ifNoItem().after(guard).failWith(() -> new IllegalStateException(
                                    "no answer within " + guard.toMillis() + " ms"))
                            .chain(info -> {
                                RedisContext context = new RedisContext(target.id(), RedisInfo.parse(info.toString()),
                                        cycle.start, target.counters());
                                cycle.info = context.info();
                                Uni<Void> chain = Uni.createFrom().voidItem();
                                for (RedisFamily family : families) {
                                    chain = chain.chain(() -> run(cycle, family, context, conn, guard));
                                }
                                return chain;
                            });
                })
                .onFailure().invoke(error -> {
                    cycle.connectError = describe(error);
                    connections.drop(target.id());
                    LOG.debugf("target %s unreachable: %s", target.id(), cycle.connectError);
                })
                .onFailure().recoverWithNull().replaceWithVoid();
        return server.chain(() -> runHost(cycle)).map(ignored -> cycle.snapshot());
    }

    private Uni<Void> run(Cycle cycle, RedisFamily family, RedisContext context, RedisConnection conn, Duration guard) {
        TargetRuntime target = cycle.target;
        Duration interval = family.defaultInterval() == null ? target.config().interval() : family.defaultInterval();
        if (catalog.disabled(target.config(), family.name())
                || !target.due(family.name(), catalog.interval(target.config(), family.name(), interval), cycle.start)) {
            return Uni.createFrom().voidItem();
        }
        long t0 = System.nanoTime();
        return Uni.createFrom().deferred(() -> family.collect(context, conn))
                .ifNoItem().after(guard).failWith(() -> new IllegalStateException(
                        "no answer within " + guard.toMillis() + " ms"))
                .map(points -> {
                    cycle.add(family.name(), FamilyStatus.RAN, elapsedMs(t0), null, points);
                    return (Void) null;
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
        volatile RedisInfo info;
        volatile double pingSeconds = Double.NaN;
        volatile String connectError;

        Cycle(TargetRuntime target, Instant start, long startNanos) {
            this.target = target;
            this.start = start;
            this.startNanos = startNanos;
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
            boolean up = connectError == null && info != null;
            own.add(MetricPoint.of("redis_up", up ? 1 : 0));
            if (up && !Double.isNaN(pingSeconds)) {
                own.add(MetricPoint.of("redis_ping_seconds", pingSeconds));
            }
            Map<String, String> errors = new LinkedHashMap<>();
            if (connectError != null) {
                errors.put("connection", connectError);
            }
            List<MetricPoint> all = new ArrayList<>(own);
            byFamily.values().forEach(all::addAll);
            results.values().stream().filter(r -> r.status() == FamilyStatus.FAILED)
                    .forEach(r -> errors.put(r.family(), r.detail()));
            target.lastCycleMs(duration);
            Map<String, List<MetricPoint>> families = new TreeMap<>(byFamily);
            families.put(CycleResult.CYCLE, own);
            return new CycleResult(new MetricSnapshot(target.id(), start, duration, List.copyOf(results.values()),
                    errors, all), families, Set.of(), Set.of());
        }
    }
}
