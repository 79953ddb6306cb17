package io.dbautopilot.automation.redis;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.url.DatabaseUrl;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Connections to managed Redis targets through the Vert.x Redis client: one client and connection per use, named
 * {@code db-autopilot-automation} ({@code CLIENT SETNAME}) so operators and the performance service see who it is, the
 * password from the target's credentials (never logged).
 */
@ApplicationScoped
public class RedisConnections {

    /** {@code CLIENT SETNAME} of every connection of this service (a client name may not contain spaces). */
    public static final String CLIENT_NAME = ManagedDatabases.APPLICATION_NAME;
    /** How long one command may take (MEMORY PURGE, CLIENT LIST and INFO answer in milliseconds). */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final ManagedDatabases databases;
    private final Vertx vertx;

    public RedisConnections(ManagedDatabases databases, Vertx vertx) {
        this.databases = databases;
        this.vertx = vertx;
    }

    /**
     * Checks a Redis URL of a managed database ({@code redis://host:port/db}, no parameters); throws naming
     * {@code setting}.
     */
    public static void check(String setting, DatabaseUrl url) {
        if (!url.params().isEmpty()) {
            throw new IllegalArgumentException(setting + ": unknown parameter '" + url.params().keySet().iterator().next()
                    + "' (a Redis URL takes none: redis://host:port/db)");
        }
    }

    /** Opens a named connection to a managed Redis target; fails (the client's exception) when it cannot. */
    public RedisSession open(String databaseId) {
        if (databases.engineOf(databaseId).filter(e -> e == Engine.REDIS).isEmpty()) {
            throw new IllegalArgumentException("'" + databaseId + "' is not a managed Redis database");
        }
        ManagedDatabasesConfig.Database db = databases.settings(databaseId);
        try {
            return open(vertx, options(db), COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            // the client's message never holds the password, but make sure of it: it reaches the API and events
            String message = String.valueOf(e.getMessage());
            Optional<String> password = db.password();
            if (password.isPresent() && !password.get().isEmpty()) {
                message = message.replace(password.get(), "***");
            }
            throw new IllegalStateException("cannot reach Redis target '" + databaseId + "' (" + db.url() + "): "
                    + message, e);
        }
    }

    /** Opens a connection with these options and names it {@link #CLIENT_NAME}; closes the client when it fails. */
    public static RedisSession open(Vertx vertx, RedisOptions options, Duration timeout) {
        return open(vertx, options, timeout, CLIENT_NAME);
    }

    /** Opens a connection with these options and names it {@code name} (no spaces). */
    public static RedisSession open(Vertx vertx, RedisOptions options, Duration timeout, String name) {
        Redis client = Redis.createClient(vertx, options);
        try {
            RedisConnection c = client.connect().await().atMost(timeout);
            RedisSession s = new RedisSession(client, c, timeout);
            try {
                s.send("CLIENT", "SETNAME", name);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Client options of a managed Redis target: its URL's host, port and database, user and password. */
    static RedisOptions options(ManagedDatabasesConfig.Database db) {
        DatabaseUrl url = db.url();
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        String number = url.database().isEmpty() ? "0" : url.database();
        Optional<String> password = db.password();
        // an ACL user goes in the connection string's user info (RedisOptions has no user setting), the password
        // with it then, URL-encoded; the string is never logged
        String userInfo = db.username().map(u -> encode(u) + ":" + encode(password.orElse("")) + "@").orElse("");
        RedisOptions options = new RedisOptions()
                .setConnectionString("redis://" + userInfo + host + ":" + url.port() + "/" + number)
                .setMaxPoolSize(1)
                .setMaxPoolWaiting(4)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(5000));
        if (db.username().isEmpty()) {
            password.ifPresent(options::setPassword);
        }
        return options;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
