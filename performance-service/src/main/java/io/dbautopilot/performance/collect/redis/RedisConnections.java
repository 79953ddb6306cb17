package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.performance.collect.TargetConnections;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection per Redis target, kept across cycles (a Redis server counts and lists its clients: a collector
 * that reconnects every cycle shows up as churn). It is named {@code db-autopilot-performance} ({@code CLIENT
 * SETNAME}) so operators see who it is in {@code CLIENT LIST}; a connection that failed is dropped and the next cycle
 * connects afresh.
 */
@ApplicationScoped
public class RedisConnections {

    private final Vertx vertx;
    private final TargetRegistry targets;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public RedisConnections(Vertx vertx, TargetRegistry targets) {
        this.vertx = vertx;
        this.targets = targets;
    }

    /** A client and its one open connection. */
    private record Held(Redis client, RedisConnection connection) {
        void close() {
            connection.closeAndForget();
            client.close();
        }
    }

    /** The open connection of an owned target, connecting (and naming it) when there is none. */
    public Uni<RedisConnection> connection(String targetId) {
        Held current = held.get(targetId);
        if (current != null) {
            return Uni.createFrom().item(current.connection());
        }
        TargetsConfig.Target target = targets.get(targetId).map(TargetRuntime::config)
                .orElseThrow(() -> new IllegalArgumentException("unknown target " + targetId + " (not owned here)"));
        Redis client = Redis.createClient(vertx, options(targetId, target));
        Duration guard = target.queryTimeout().plusSeconds(1);
        return client.connect()
                .call(c -> c.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(TargetConnections.APPLICATION_NAME)))
                .ifNoItem().after(guard).failWith(() -> new IllegalStateException(
                        "no answer within " + guard.toMillis() + " ms"))
                .invoke(c -> {
                    Held h = new Held(client, c);
                    c.exceptionHandler(e -> drop(targetId, h));
                    c.endHandler(() -> drop(targetId, h));
                    held.put(targetId, h);
                })
                .onFailure().invoke(client::close);
    }

    /** Closes the target's connection after a failed command (the next cycle connects again). */
    public void drop(String targetId) {
        Held h = held.remove(targetId);
        if (h != null) {
            h.close();
        }
    }

    private void drop(String targetId, Held h) {
        if (held.remove(targetId, h)) {
            h.close();
        }
    }

    /**
     * Client options of a target from its URL ({@code redis://host:port/db}); fails naming the setting when the URL
     * is of another engine or has a parameter (a Redis URL takes none).
     */
    public static RedisOptions options(String targetId, TargetsConfig.Target target) {
        String setting = "autopilot.targets." + targetId + ".url";
        DatabaseUrl url = target.url();
        if (!url.engine().equals("redis")) {
            throw new IllegalArgumentException(setting + " must be a Redis URL (redis://host:port/db), not " + url.engine());
        }
        if (!url.params().isEmpty()) {
            throw new IllegalArgumentException(setting + ": unknown parameter '" + url.params().keySet().iterator().next()
                    + "' (a Redis URL takes none)");
        }
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        String db = url.database().isEmpty() ? "0" : url.database();
        // an ACL user goes in the connection string's user info (RedisOptions has no user setting); the password too
        // then, URL-encoded - the string is never logged
        String userInfo = target.username().map(u -> encode(u) + ":" + encode(target.password().orElse("")) + "@")
                .orElse("");
        RedisOptions options = new RedisOptions()
                .setConnectionString("redis://" + userInfo + host + ":" + url.port() + "/" + db)
                .setMaxPoolSize(1)
                .setMaxPoolWaiting(4)
                .setNetClientOptions(new NetClientOptions()
                        .setConnectTimeout((int) Math.max(1000, target.queryTimeout().toMillis())));
        if (target.username().isEmpty()) {
            target.password().ifPresent(options::setPassword);
        }
        return options;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Closes a released target's connection (a re-acquired target connects afresh). */
    void onReleased(@Observes TargetRegistry.Released released) {
        drop(released.id());
    }

    @PreDestroy
    void close() {
        held.values().forEach(Held::close);
        held.clear();
    }
}
