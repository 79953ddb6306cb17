package io.dbautopilot.performance.collect;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.dbautopilot.support.url.DatabaseUrl;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections to targets: one pooled connection per target for server-wide statistics, and connections to each
 * other database for per-database statistics, which the collector keeps between visits within the target's cap
 * ({@link TargetRuntime}; never more than {@code max-connections} in all).
 *
 * <p>Every connection carries {@code statement_timeout}, {@code lock_timeout} and an {@code application_name} as
 * start-up parameters, so no collector query can hang or queue behind locks on a target.
 */
@ApplicationScoped
public class TargetConnections {

    /** application_name the collector uses on targets (so DBAs can recognise and exclude it). */
    public static final String APPLICATION_NAME = "db-autopilot-performance";

    private final Vertx vertx;
    private final TargetRegistry targets;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final Map<String, PgConnectOptions> options = new ConcurrentHashMap<>();

    public TargetConnections(Vertx vertx, TargetRegistry targets) {
        this.vertx = vertx;
        this.targets = targets;
    }

    /** The pool (one connection) for a configured target's server-wide statistics. */
    public Pool pool(String targetId) {
        return pools.computeIfAbsent(targetId, this::create);
    }

    /** The database named in the target's URL. */
    public String mainDatabase(String targetId) {
        return options(targetId).getDatabase();
    }

    /** Opens a new connection to another database of the target; the caller closes it (or keeps it for reuse). */
    public Uni<SqlConnection> connect(String targetId, String database) {
        PgConnectOptions copy = new PgConnectOptions(options(targetId)).setDatabase(database);
        return PgConnection.connect(vertx, copy).map(c -> (SqlConnection) c);
    }

    private PgConnectOptions options(String targetId) {
        return options.computeIfAbsent(targetId, id -> {
            return connectOptions(id, settings(id));
        });
    }

    private Pool create(String targetId) {
        PgConnectOptions connectOptions = options(targetId);
        TargetsConfig.Target target = settings(targetId);
        PoolOptions poolOptions = new PoolOptions()
                .setMaxSize(1)
                .setName("target-" + targetId)
                .setIdleTimeout(60)
                .setConnectionTimeout((int) Math.max(1, target.queryTimeout().toSeconds()));
        return PgBuilder.pool().with(poolOptions).connectingTo(connectOptions).using(vertx).build();
    }

    private TargetsConfig.Target settings(String targetId) {
        return targets.get(targetId).map(TargetRuntime::config)
                .orElseThrow(() -> new IllegalArgumentException("unknown target " + targetId + " (not owned here)"));
    }

    /** Closes a released target's connections and forgets its settings (a re-acquired target connects afresh). */
    void onReleased(@Observes TargetRegistry.Released released) {
        forget(released.id());
    }

    private void forget(String targetId) {
        options.remove(targetId);
        Pool pool = pools.remove(targetId);
        if (pool != null) {
            pool.closeAndForget();
        }
    }

    /** The connect options of a target, built from its URL's parts; fails naming the setting when it is not PostgreSQL. */
    public static PgConnectOptions connectOptions(String targetId, TargetsConfig.Target target) {
        PgConnectOptions options = connectOptions("autopilot.targets." + targetId + ".url", target.url());
        target.username().ifPresent(options::setUser);
        target.password().ifPresent(options::setPassword);
        long timeoutMs = target.queryTimeout().toMillis();
        options.addProperty("application_name", APPLICATION_NAME);
        options.addProperty("statement_timeout", Long.toString(timeoutMs));
        options.addProperty("lock_timeout", Long.toString(Math.min(timeoutMs, 1000)));
        options.setConnectTimeout((int) Math.max(1000, timeoutMs));
        options.setReconnectAttempts(0);
        return options;
    }

    /**
     * Connect options for a PostgreSQL {@link DatabaseUrl}: host, port, database, {@code sslmode}, and its other
     * parameters as start-up properties; {@code setting} names it in the error when the URL is not PostgreSQL.
     */
    public static PgConnectOptions connectOptions(String setting, DatabaseUrl url) {
        if (!url.isPostgres()) {
            throw new IllegalArgumentException(setting + " must be a PostgreSQL URL (postgresql://host:port/database), "
                    + "not " + url.engine());
        }
        PgConnectOptions options = new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database());
        url.params().forEach((k, v) -> {
            if (k.equals("sslmode")) {
                try {
                    options.setSslMode(SslMode.of(v));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(setting + ": sslmode must be one of disable, allow, prefer, "
                            + "require, verify-ca, verify-full", e);
                }
            } else if (v != null) {
                options.addProperty(k, v);
            }
        });
        return options;
    }

    @PreDestroy
    void close() {
        pools.values().forEach(Pool::closeAndForget);
        pools.clear();
    }
}
