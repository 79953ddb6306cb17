package io.dbautopilot.automation.mysql;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Three MariaDB targets next to the PostgreSQL ones: {@code maria} on the throwaway MariaDB ({@code MariaDbTestResource})
 * and {@code maria-down}, a port where nothing listens; {@code maria-careful} is the same server with a 1 s
 * long-transaction limit (the heavy-work precondition); {@code maria-down} has the canary on (a MySQL target skips it).
 * {@code maria} has a migrations location, {@code target/mysql-migrations} (emptied once per JVM, filled by the tests;
 * the periodic pending check is off so it never races them), applied to the database {@code maria_app};
 * {@code maria-careful}'s, {@code target/mysql-migrations-careful}, to {@code maria_careful_app}.
 */
public class MySqlTestProfile implements QuarkusTestProfile {

    /** Migrations location of {@code maria}. */
    static final Path MIGRATIONS = Path.of("target", "mysql-migrations");

    /** Migrations location of {@code maria-careful} (its 1 s long-transaction limit gates them). */
    static final Path CAREFUL_MIGRATIONS = Path.of("target", "mysql-migrations-careful");

    static {
        try {
            for (Path dir : java.util.List.of(MIGRATIONS, CAREFUL_MIGRATIONS)) {
                if (Files.isDirectory(dir)) {
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("autopilot.migrations.databases.maria.location", MIGRATIONS.toString()),
                // a database of its own: Flyway refuses a non-empty schema without its history table
                Map.entry("autopilot.migrations.databases.maria.schema", "maria_app"),
                Map.entry("autopilot.migrations.check-interval", "24h"),
                Map.entry("autopilot.migrations.databases.maria-careful.location", CAREFUL_MIGRATIONS.toString()),
                Map.entry("autopilot.migrations.databases.maria-careful.schema", "maria_careful_app"),
                Map.entry("autopilot.databases.maria-careful.url", "mariadb://${dbautopilot.test.mariadb.host}:"
                        + "${dbautopilot.test.mariadb.port}/${dbautopilot.test.mariadb.database}"),
                Map.entry("autopilot.databases.maria-careful.username", "${dbautopilot.test.mariadb.user}"),
                Map.entry("autopilot.databases.maria-careful.password", "${dbautopilot.test.mariadb.password}"),
                Map.entry("autopilot.databases.maria-careful.long-transaction-limit", "1s"),
                Map.entry("autopilot.databases.maria.url", "mariadb://${dbautopilot.test.mariadb.host}:${dbautopilot.test.mariadb.port}"
                        + "/${dbautopilot.test.mariadb.database}"),
                Map.entry("autopilot.databases.maria.username", "${dbautopilot.test.mariadb.user}"),
                Map.entry("autopilot.databases.maria.password", "${dbautopilot.test.mariadb.password}"),
                Map.entry("autopilot.databases.maria.lock-timeout", "1s"),
                // the same server with a 300 ms statement time limit (max_statement_time stops a long OPTIMIZE)
                Map.entry("autopilot.databases.maria-hurried.url", "mariadb://${dbautopilot.test.mariadb.host}:"
                        + "${dbautopilot.test.mariadb.port}/${dbautopilot.test.mariadb.database}"),
                Map.entry("autopilot.databases.maria-hurried.username", "${dbautopilot.test.mariadb.user}"),
                Map.entry("autopilot.databases.maria-hurried.password", "${dbautopilot.test.mariadb.password}"),
                Map.entry("autopilot.databases.maria-hurried.statement-timeout", "300ms"),
                Map.entry("autopilot.databases.maria-down.url", "mysql://127.0.0.1:1/nowhere"),
                Map.entry("autopilot.databases.maria-down.username", "nobody"),
                Map.entry("autopilot.databases.maria-down.canary", "on"));
    }
}
