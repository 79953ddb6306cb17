package io.dbautopilot.automation.migration;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Managed databases with migrations locations under {@code target/migration-tests/<id>} (created here, before the
 * service starts, because a location that is not a directory fails the start).
 */
public class MigrationTestProfile implements QuarkusTestProfile {

    static final Path ROOT = Path.of("target", "migration-tests");
    static final Path BACKUPS = ROOT.resolve("backups");

    /** Managed id → database name on the throwaway cluster. */
    static final Map<String, String> DATABASES = Map.of(
            "mig", "mig_target",
            "gate", "gate_target",
            "twin-a", "twin_target",
            "twin-b", "twin_target",
            "cic", "cic_target",
            "watch", "watch_target",
            "dumpcancel", "dumpcancel_target");

    static {
        // scripts of an earlier run must not leak into this one: the locations start empty once per JVM
        if (Files.isDirectory(ROOT)) {
            try (var files = Files.walk(ROOT)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Path location(String id) {
        return ROOT.resolve(id.startsWith("twin") ? "twin" : id);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        try {
            for (String id : DATABASES.keySet()) {
                Files.createDirectories(location(id));
            }
            Files.writeString(location("watch").resolve("V1__watched.sql"), "CREATE TABLE watched (id int);\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DATABASES.forEach((id, db) -> {
            String p = "autopilot.databases." + id + ".";
            config.put(p + "url", "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/" + db);
            config.put(p + "username", "${dbautopilot.test.postgres.user}");
            config.put(p + "password", "${dbautopilot.test.postgres.password}");
            config.put("autopilot.migrations.databases." + id + ".location", location(id).toString());
        });
        config.put("autopilot.databases.gate.long-transaction-limit", "1s");
        config.put("autopilot.migrations.backup.directory", BACKUPS.toString());
        config.put("autopilot.migrations.check-interval", "2s");
        config.put("autopilot.migrations.lock-lease", "3s");
        config.put("autopilot.operations.defer-delay", "2s");
        return config;
    }
}
