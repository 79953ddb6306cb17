package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.localstack.redis.RedisServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A throwaway Redis as a target registered through {@code /api/targets}, and client connections on it for tests. */
public final class RedisTarget {

    /** Collection settings of the test target: a 1 s tick. */
    public static final String COLLECTION = """
            {"interval": "1s", "query_timeout": "3s", "cycle_budget": "5s"}""";

    private static final Map<String, Path> PASSWORD_FILES = new ConcurrentHashMap<>();

    private RedisTarget() {
    }

    /** Registers (or replaces) the server as target {@code id}; returns the answer of {@code PUT} (with {@code ?check}). */
    public static ValidatableResponse register(String id, RedisServer server, boolean check) throws Exception {
        Path file = PASSWORD_FILES.get(server.password());
        if (file == null) {
            file = Files.createTempFile("redis-password", ".txt");
            Files.writeString(file, server.password() + "\n");
            file.toFile().deleteOnExit();
            PASSWORD_FILES.put(server.password(), file);
        }
        String body = """
                {"engine": "redis", "url": "redis://%s:%d/0", "credentials_ref": "file:%s",
                 "labels": {"env": "test"}, "collection": %s}""".formatted(server.host(), server.port(), file, COLLECTION);
        return RestAssured.given().contentType(ContentType.JSON).body(body).queryParam("check", check)
                .put("/api/targets/" + id).then();
    }

    /** A new authenticated connection on the server (the caller closes it). */
    public static RedisConnection connect(Vertx vertx, RedisServer server) {
        return Redis.createClient(vertx, new RedisOptions()
                        .setConnectionString("redis://" + server.host() + ":" + server.port() + "/0")
                        .setPassword(server.password()))
                .connect().await().atMost(Duration.ofSeconds(10));
    }

    /** Sends one command on a connection and waits for its reply. */
    public static Response send(RedisConnection connection, String command, Object... args) {
        Request request = Request.cmd(Command.create(command));
        for (Object a : args) {
            request.arg(String.valueOf(a));
        }
        return connection.send(request).await().atMost(Duration.ofSeconds(60));
    }
}
