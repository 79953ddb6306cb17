package io.dbautopilot.automation.backup;

import io.dbautopilot.localstack.TempDirectories;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test resource of the backup tests: a fresh backup directory (owned by the {@code postgres} OS user when the
 * JVM is root, so pgBackRest and archive_command can write there) and, with init arg {@code archiving=true}, a
 * second throwaway cluster with {@code archive_mode = on} (set before start: it needs a restart) managed as
 * database {@code vault} (PostgreSQL database {@code vault}); init args {@code drill-tables} (vault's
 * {@code drill-tables}) and {@code data-directory=true} (vault's {@code data-directory} configured, known offline);
 * init args named {@code autopilot.*} are passed through as settings.
 */
public class BackupTestResource implements QuarkusTestResourceLifecycleManager {

    /** The archiving cluster (database {@code vault}), with init arg {@code archiving=true}. */
    public static ThrowawayPostgres archiving;
    /** The backup directory ({@code autopilot.backup.directory}). */
    public static Path directory;
    private boolean withArchiving;
    private boolean withTriggers;
    private String retentionFull = "2";
    private String drillTables;
    private boolean configuredDataDirectory;
    private final Map<String, String> settings = new HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        withArchiving = Boolean.parseBoolean(initArgs.getOrDefault("archiving", "false"));
        retentionFull = initArgs.getOrDefault("retention-full", retentionFull);
        withTriggers = Boolean.parseBoolean(initArgs.getOrDefault("triggers", "false"));
        drillTables = initArgs.get("drill-tables");
        configuredDataDirectory = Boolean.parseBoolean(initArgs.getOrDefault("data-directory", "false"));
        initArgs.forEach((name, value) -> {
            if (name.startsWith("autopilot.")) {
                settings.put(name, value);
            }
        });
    }

    @Override
    public Map<String, String> start() {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            directory = Files.createTempDirectory("dbautopilot-backups-");
            if (root) {
                new ProcessBuilder("chown", "postgres:postgres", directory.toString()).inheritIO().start().waitFor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("autopilot.backup.directory", directory.toString());
        if (root) {
            config.put("autopilot.backup.os-user", "postgres");
        }
        config.put("autopilot.backup.progress-interval", "200ms");
        config.put("autopilot.backup.databases.demo.engine", "pg_dump");
        if (withTriggers) {
            // patient (same database as demo, no schedule): an RPO of 30 s, breached before its first backup and 30 s
            // after each; demo: a logical backup every 20 s (on demo, whose schedule would keep a backup pending or
            // fresh, the RPO check would race the schedule)
            config.put("autopilot.backup.databases.patient.engine", "pg_dump");
            config.put("autopilot.backup.databases.patient.rpo", "30s");
            config.put("autopilot.backup.databases.demo.schedule-logical", "0/20 * * * * ?");
            config.put("autopilot.backup.check-interval", "2s");
        }
        if (withArchiving) {
            archiving = ThrowawayPostgres.launch(PostgresBinaries.locate(), 0, List.of(
                    "archive_mode = on", "archive_command = '/bin/false'", "full_page_writes = on", "wal_level = replica"));
            archiving.createDatabase("vault");
            config.put("autopilot.databases.vault.url", archiving.uri("vault"));
            config.put("autopilot.databases.vault.username", archiving.user());
            config.put("autopilot.databases.vault.password", archiving.password());
            config.put("autopilot.backup.databases.vault.engine", "pgbackrest");
            config.put("autopilot.backup.databases.vault.retention-full", retentionFull);
            if (drillTables != null) {
                config.put("autopilot.backup.databases.vault.drill-tables", drillTables);
            }
            if (configuredDataDirectory) {
                config.put("autopilot.backup.databases.vault.data-directory", archiving.dataDirectory().toString());
            }
        }
        config.putAll(settings);
        return config;
    }

    @Override
    public void stop() {
        if (archiving != null) {
            archiving.close();
            archiving = null;
        }
        if (directory != null) {
            TempDirectories.deleteRecursively(directory);
        }
    }
}
