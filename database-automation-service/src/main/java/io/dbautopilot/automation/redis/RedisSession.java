package io.dbautopilot.automation.redis;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One open connection to a Redis server for blocking use on a worker thread (never an event loop): each command waits
 * for its reply up to the session's timeout. Closing it closes the connection and its client.
 */
public final class RedisSession implements AutoCloseable {

    private final Redis client;
    private final RedisConnection connection;
    private final Duration timeout;

    RedisSession(Redis client, RedisConnection connection, Duration timeout) {
        this.client = client;
        this.connection = connection;
        this.timeout = timeout;
    }

    /**
     * Sends one command ({@code command} and each argument a separate protocol string: nothing is parsed or
     * concatenated) and waits for its reply; a server error is thrown as the client's exception.
     */
    public Response send(String command, Object... args) {
        Request request = Request.cmd(Command.create(command));
        for (Object a : args) {
            request.arg(String.valueOf(a));
        }
        return connection.send(request).await().atMost(timeout);
    }

    /** {@code INFO <section>} (empty: the default sections) as field to raw value. */
    public Map<String, String> info(String section) {
        Response r = section == null || section.isEmpty() ? send("INFO") : send("INFO", section);
        return parseInfo(r == null ? "" : r.toString());
    }

    /** This connection's {@code CLIENT ID}. */
    public long clientId() {
        return send("CLIENT", "ID").toLong();
    }

    /** The {@code field:value} lines of an INFO answer ({@code #} headers and blank lines skipped). */
    public static Map<String, String> parseInfo(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.isEmpty() && !line.startsWith("#") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    /** The {@code key=value} pairs of a composite INFO value ({@code keys=1,expires=0,avg_ttl=0}). */
    public static Map<String, String> pairs(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    /** Keys of every database from {@code INFO keyspace} ({@code db0:keys=..}); 0 for an empty server. */
    public long totalKeys() {
        long total = 0;
        for (Map.Entry<String, String> e : info("keyspace").entrySet()) {
            if (e.getKey().startsWith("db")) {
                total += Long.parseLong(pairs(e.getValue()).getOrDefault("keys", "0"));
            }
        }
        return total;
    }

    @Override
    public void close() {
        try {
            connection.closeAndForget();
        } finally {
            client.close();
        }
    }
}
