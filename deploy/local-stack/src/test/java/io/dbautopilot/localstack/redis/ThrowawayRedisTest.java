package io.dbautopilot.localstack.redis;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import io.dbautopilot.localstack.ServerLeftovers;
import io.dbautopilot.localstack.ServerLeftovers.Started;
import io.dbautopilot.localstack.ServerProcesses;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThrowawayRedisTest {

    @Test
    void startsWithAPasswordAndLeavesNothingBehind() throws Exception {
        Started started;
        try (ThrowawayRedis redis = ThrowawayRedis.launch(RedisBinaries.locate())) {
            started = new Started(redis.directory(), redis.pid());
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.url());
            assertEquals("OK", redis.cli("SET", "greeting", "hello world"));
            assertEquals("hello world", redis.cli("GET", "greeting"));
            assertEquals(redis.directory().toString(), redis.cli("CONFIG", "GET", "dir").lines().toList().get(1));
            assertEquals("", redis.cli("CONFIG", "GET", "save").lines().skip(1).findFirst().orElse(""));

            ServerProcesses.CommandResult noPassword = ServerProcesses.attempt(List.of(
                    RedisBinaries.locate().cli().toString(), "-h", redis.host(), "-p", String.valueOf(redis.port()),
                    "GET", "greeting"), redis.directory(), Duration.ofSeconds(10), Map.of());
            assertTrue(noPassword.output().contains("NOAUTH"), "a client without the password is refused: " + noPassword);
            assertTrue(redis.running());
        }
        ServerLeftovers.assertGone(started, 30);
    }

    @Test
    void takesExtraSettings() {
        try (ThrowawayRedis redis = ThrowawayRedis.launch(RedisBinaries.locate(), List.of("maxmemory 10mb"))) {
            assertEquals("10485760", redis.cli("CONFIG", "GET", "maxmemory").lines().toList().get(1));
        }
    }

    @Test
    void aKilledOwnerJvmLeavesNoServerBehind() throws Exception {
        Started started = ServerLeftovers.startInChildAndKillIt("redis");
        ServerLeftovers.assertGone(started, 30);
    }

    @Test
    void whenTheWatchdogWasKilledTooTheNextLaunchRemovesTheServer() throws Exception {
        Started started = ServerLeftovers.startInChildAndKillIt("redis", true);
        assertTrue(ServerLeftovers.alive(started.pid()), "left running: nothing else cleans up");
        assertTrue(Files.isDirectory(started.directory()));
        try (var next = ThrowawayRedis.launch(RedisBinaries.locate())) {
            assertTrue(next.running());
            ServerLeftovers.assertGone(started, 15);
        }
    }

    @Test
    void missingProgramsSayWhatToInstall() {
        Path nowhere = Path.of("/nonexistent/bin");
        MissingPrerequisiteException e = assertThrows(MissingPrerequisiteException.class,
                () -> new RedisBinaries(nowhere.resolve("redis-server"), nowhere.resolve("redis-cli")));
        assertTrue(e.getMessage().contains("apt-get install -y redis-server redis-tools"), e.getMessage());
    }
}
