package io.dbautopilot.localstack.quarkus;

import io.dbautopilot.localstack.ServerProcesses;
import io.dbautopilot.localstack.redis.RedisBinaries;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTestResourcesTest {

    @Test
    void mariaDbResourceHandsOutAWorkingServerAndStopsIt() throws Exception {
        MariaDbTestResource resource = new MariaDbTestResource();
        resource.init(Map.of("database", "engine_target"));
        Map<String, String> config = resource.start();
        String url = "jdbc:mariadb://" + config.get("dbautopilot.test.mariadb.host") + ":"
                + config.get("dbautopilot.test.mariadb.port") + "/" + config.get("dbautopilot.test.mariadb.database");
        String user = config.get("dbautopilot.test.mariadb.user");
        String password = config.get("dbautopilot.test.mariadb.password");
        try {
            assertEquals("engine_target", config.get("dbautopilot.test.mariadb.database"));
            try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
        } finally {
            resource.stop();
        }
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, user, password).close());
    }

    @Test
    void redisResourceHandsOutAWorkingServerAndStopsIt() {
        RedisTestResource resource = new RedisTestResource();
        Map<String, String> config = resource.start();
        List<String> ping = List.of(RedisBinaries.locate().cli().toString(), "-h", config.get("dbautopilot.test.redis.host"),
                "-p", config.get("dbautopilot.test.redis.port"), "PING");
        Map<String, String> auth = Map.of("REDISCLI_AUTH", config.get("dbautopilot.test.redis.password"));
        try {
            assertEquals("PONG", ServerProcesses.run(ping, Path.of("."), Duration.ofSeconds(10), auth).strip());
        } finally {
            resource.stop();
        }
        String after = ServerProcesses.attempt(ping, Path.of("."), Duration.ofSeconds(10), auth).output();
        assertTrue(after.contains("Connection refused") || after.contains("Could not connect"), after);
    }
}
