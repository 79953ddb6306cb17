package io.dbautopilot.automation.redis;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A Redis target {@code cache} on the throwaway redis-server ({@code RedisTestResource}, database 0) next to the
 * PostgreSQL ones, and {@code cache-down}, a port where nothing listens; one full backup of {@code cache} is kept.
 */
public class RedisTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "autopilot.databases.cache.url", "redis://${dbautopilot.test.redis.host}:${dbautopilot.test.redis.port}/0",
                "autopilot.databases.cache.password", "${dbautopilot.test.redis.password}",
                "autopilot.databases.cache-down.url", "redis://127.0.0.1:1/0",
                "autopilot.backup.databases.cache.retention-full", "1");
    }
}
