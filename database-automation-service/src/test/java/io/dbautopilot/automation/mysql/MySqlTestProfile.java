package io.dbautopilot.automation.mysql;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Two MariaDB targets next to the PostgreSQL ones: {@code maria} on the throwaway MariaDB ({@code MariaDbTestResource})
 * and {@code maria-down}, a port where nothing listens.
 */
public class MySqlTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "autopilot.databases.maria.url", "mariadb://${dbautopilot.test.mariadb.host}:${dbautopilot.test.mariadb.port}"
                        + "/${dbautopilot.test.mariadb.database}",
                "autopilot.databases.maria.username", "${dbautopilot.test.mariadb.user}",
                "autopilot.databases.maria.password", "${dbautopilot.test.mariadb.password}",
                "autopilot.databases.maria.lock-timeout", "1s",
                "autopilot.databases.maria-down.url", "mysql://127.0.0.1:1/nowhere",
                "autopilot.databases.maria-down.username", "nobody");
    }
}
