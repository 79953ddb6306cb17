package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.performance.collect.TargetConnections;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.support.url.DatabaseUrl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.mysqlclient.MySQLBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pooled connection per MySQL / MariaDB target (every schema is readable from it). Each new connection gets the
 * statement time limit ({@code max_statement_time} on MariaDB, {@code max_execution_time} on MySQL) and one-second
 * lock waits, so no collector query can hang or queue behind locks on a target; it announces itself with the
 * connection attribute {@code program_name=db-autopilot-performance}.
 */
@ApplicationScoped
public class MySqlConnections {

    private static final Logger LOG = Logger.getLogger(MySqlConnections.class);

    private final Vertx vertx;
    private final TargetRegistry targets;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    public MySqlConnections(Vertx vertx, TargetRegistry targets) {
        this.vertx = vertx;
        this.targets = targets;
    }

    /** The pool (one connection) of an owned target. */
    public Pool pool(String targetId) {
        return pools.computeIfAbsent(targetId, this::create);
    }

    private Pool create(String targetId) {
        TargetsConfig.Target target = targets.get(targetId).map(TargetRuntime::config)
                .orElseThrow(() -> new IllegalArgumentException("unknown target " + targetId + " (not owned here)"));
        PoolOptions poolOptions = new PoolOptions()
                .setMaxSize(1)
                .setName("mysql-target-" + targetId)
                .setIdleTimeout(60)
                .setConnectionTimeout((int) Math.max(1, target.queryTimeout().toSeconds()));
        long timeoutMs = target.queryTimeout().toMillis();
        return MySQLBuilder.pool().with(poolOptions).connectingTo(connectOptions(targetId, target)).using(vertx)
                .withConnectHandler(conn -> limit(conn, timeoutMs)).build();
    }

    /** Sets the session's limits; hands the connection to the pool whatever the outcome. */
    private static void limit(SqlConnection conn, long timeoutMs) {
        conn.query("SELECT VERSION()").execute()
                .chain(rows -> conn.query(sessionLimits(String.valueOf(rows.iterator().next().getValue(0)), timeoutMs))
                        .execute())
                .subscribe().with(ok -> conn.closeAndForget(), e -> {
                    LOG.debugf("Could not set the session limits of a MySQL collector connection: %s", e.getMessage());
                    conn.closeAndForget();
                });
    }

    /** The {@code SET SESSION} of the collector's limits for a server of this {@code VERSION()}. */
    static String sessionLimits(String version, long timeoutMs) {
        if (version.toLowerCase(Locale.ROOT).contains("mariadb")) {
            return "SET SESSION max_statement_time = " + Math.max(0.001, timeoutMs / 1000.0)
                    + ", lock_wait_timeout = 1, innodb_lock_wait_timeout = 1";
        }
        return "SET SESSION max_execution_time = " + Math.max(1, timeoutMs)
                + ", lock_wait_timeout = 1, innodb_lock_wait_timeout = 1, information_schema_stats_expiry = 0";
    }

    /**
     * The connect options of a target from its URL's parts ({@code mysql://} or {@code mariadb://}, parameter
     * {@code ssl-mode} = disabled | preferred | required | verify_ca | verify_identity); fails naming the setting
     * when the URL is of another engine or has another parameter.
     */
    public static MySQLConnectOptions connectOptions(String targetId, TargetsConfig.Target target) {
        String setting = "autopilot.targets." + targetId + ".url";
        DatabaseUrl url = target.url();
        if (!url.engine().equals("mysql") && !url.engine().equals("mariadb")) {
            throw new IllegalArgumentException(setting + " must be a MySQL or MariaDB URL (mysql://host:port/database or "
                    + "mariadb://host:port/database), not " + url.engine());
        }
        MySQLConnectOptions options = new MySQLConnectOptions().setHost(url.host()).setPort(url.port())
                .setDatabase(url.database());
        url.params().forEach((k, v) -> {
            if (k.equals("ssl-mode") || k.equals("sslMode") || k.equals("sslmode")) {
                try {
                    options.setSslMode(SslMode.of(v.toLowerCase(Locale.ROOT)));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(setting + ": ssl-mode must be one of disabled, preferred, "
                            + "required, verify_ca, verify_identity", e);
                }
            } else {
                throw new IllegalArgumentException(setting + ": unknown parameter '" + k + "' (a MySQL URL takes "
                        + "ssl-mode)");
            }
        });
        target.username().ifPresent(options::setUser);
        target.password().ifPresent(options::setPassword);
        options.addProperty("program_name", TargetConnections.APPLICATION_NAME);
        options.setConnectTimeout((int) Math.max(1000, target.queryTimeout().toMillis()));
        options.setReconnectAttempts(0);
        return options;
    }

    /** Closes a released target's connection (a re-acquired target connects afresh). */
    void onReleased(@Observes TargetRegistry.Released released) {
        Pool pool = pools.remove(released.id());
        if (pool != null) {
            pool.closeAndForget();
        }
    }

    @PreDestroy
    void close() {
        pools.values().forEach(Pool::closeAndForget);
        pools.clear();
    }
}
