package io.dbautopilot.localstack.quarkus;

import io.dbautopilot.localstack.redis.RedisBinaries;
import io.dbautopilot.localstack.redis.RedisServer;
import io.dbautopilot.localstack.redis.ThrowawayRedis;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource that starts a real Redis server (a throwaway server from the installed {@code redis-server})
 * for tests of the Redis engine. It sets {@code dbautopilot.test.redis.host/port/password}; a field of type
 * {@link RedisServer} marked {@link InjectInfra} receives the server.
 */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        server = ThrowawayRedis.launch(RedisBinaries.locate());
        return Map.of(
                "dbautopilot.test.redis.host", server.host(),
                "dbautopilot.test.redis.port", String.valueOf(server.port()),
                "dbautopilot.test.redis.password", server.password());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, RedisServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
