package io.dbautopilot.automation.migration;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * One managed database {@code lint} (database lint_target, Flyway schema {@code app}) with an empty migrations location under
 * {@code target/migration-lint-tests}, and a small "large table" limit (5000 rows) so a test table counts as large.
 */
public class MigrationLintTestProfile implements QuarkusTestProfile {

    static final Path LOCATION = Path.of("target", "migration-lint-tests", "lint");

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            if (Files.isDirectory(LOCATION)) {
                try (var files = Files.walk(LOCATION)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            Files.createDirectories(LOCATION);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        String p = "autopilot.databases.lint.";
        config.put(p + "url", "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/lint_target");
        config.put(p + "username", "${dbautopilot.test.postgres.user}");
        config.put(p + "password", "${dbautopilot.test.postgres.password}");
        config.put("autopilot.migrations.databases.lint.location", LOCATION.toString());
        // Flyway's schema (history table, unqualified names): public holds the test's tables, which Flyway would
        // refuse to migrate without a baseline
        config.put("autopilot.migrations.databases.lint.schema", "app");
        config.put("autopilot.migrations.backup.directory", Path.of("target", "migration-lint-tests", "backups").toString());
        config.put("autopilot.migrations.lint.large-table-rows", "5000");
        return config;
    }
}
