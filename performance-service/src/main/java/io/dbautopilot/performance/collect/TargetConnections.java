package io.dbautopilot.performance.collect;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One small, capped reactive connection pool per target, created on first use.
 *
 * <p>Every connection carries {@code statement_timeout}, {@code lock_timeout} and an {@code application_name} as
 * start-up parameters, so no collector query can hang or queue behind locks on a target.
 */
@ApplicationScoped
public class TargetConnections {

    /** application_name the collector uses on targets (so DBAs can recognise and exclude it). */
    public static final String APPLICATION_NAME = "db-autopilot-performance";

    private final Vertx vertx;
    private final TargetsConfig config;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    public TargetConnections(Vertx vertx, TargetsConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /** The pool for a configured target. */
    public Pool pool(String targetId) {
        return pools.computeIfAbsent(targetId, this::create);
    }

    private Pool create(String targetId) {
        TargetsConfig.Target target = config.targets().get(targetId);
        if (target == null) {
            throw new IllegalArgumentException("unknown target " + targetId);
        }
        PgConnectOptions options = connectOptions(targetId, target);
        PoolOptions poolOptions = new PoolOptions()
                .setMaxSize(target.maxConnections())
                .setName("target-" + targetId)
                .setIdleTimeout(60)
                .setConnectionTimeout((int) Math.max(1, target.queryTimeout().toSeconds()));
        return PgBuilder.pool().with(poolOptions).connectingTo(options).using(vertx).build();
    }

    /** Parses and completes the connect options for a target; fails naming the setting when the URL is bad. */
    static PgConnectOptions connectOptions(String targetId, TargetsConfig.Target target) {
        String url = target.url().startsWith("jdbc:") ? target.url().substring(5) : target.url();
        PgConnectOptions options;
        try {
            options = PgConnectOptions.fromUri(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("autopilot.targets." + targetId + ".url is not a valid PostgreSQL URI "
                    + "(expected postgresql://host:port/database): " + target.url(), e);
        }
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

    @PreDestroy
    void close() {
        pools.values().forEach(Pool::closeAndForget);
        pools.clear();
    }
}
