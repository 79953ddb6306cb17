package io.dbautopilot.automation.engine;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.model.Engine;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The engine SPI's lookup in this service: per capability (maintenance and session operations, backups, migrations,
 * partitions, tuning), whether a target's engine is served, by which executor, or why not
 * ({@code unavailable: <reason>}).
 */
@ApplicationScoped
public class Engines {

    /** Capability names as {@code GET /api/databases} reports them, with the operation types each needs. */
    public static final Map<String, Set<OperationType>> CAPABILITIES = capabilities();

    /**
     * Engines whose migrations Flyway runs here: PostgreSQL (flyway-database-postgresql), MySQL / MariaDB
     * (flyway-mysql) and SQLite (Flyway core's own support; {@code migrate} only, see {@code SqliteMigrationExecutor}).
     */
    public static final Set<Engine> MIGRATION_ENGINES = EnumSet.of(Engine.POSTGRESQL, Engine.MYSQL, Engine.MARIADB,
            Engine.SQLITE);

    private final Map<OperationType, Map<Engine, OperationExecutor>> executors = new EnumMap<>(OperationType.class);
    private final List<BackupEngine> backupEngines;

    public Engines(@All List<OperationExecutor> executors, @All List<BackupEngine> backupEngines) {
        this.backupEngines = backupEngines;
        for (OperationExecutor e : executors) {
            for (OperationType t : e.types()) {
                for (Engine engine : e.engines()) {
                    OperationExecutor previous = this.executors.computeIfAbsent(t, k -> new EnumMap<>(Engine.class))
                            .put(engine, e);
                    if (previous != null) {
                        throw new IllegalStateException("operation type " + t.wire() + " on engine " + engine.wire()
                                + " is claimed by two executors: " + previous.getClass().getName() + " and "
                                + e.getClass().getName());
                    }
                }
            }
        }
    }

    private static Map<String, Set<OperationType>> capabilities() {
        Map<String, Set<OperationType>> m = new LinkedHashMap<>();
        m.put("maintenance", EnumSet.of(OperationType.VACUUM, OperationType.VACUUM_FREEZE, OperationType.ANALYZE,
                OperationType.OPTIMIZE, OperationType.REINDEX, OperationType.MEMORY_PURGE, OperationType.CHECKPOINT));
        m.put("sessions", EnumSet.of(OperationType.TERMINATE_IDLE, OperationType.CANCEL_QUERY, OperationType.TERMINATE));
        m.put("index_changes", EnumSet.of(OperationType.CREATE_INDEX, OperationType.DROP_INDEX));
        m.put("partitions", EnumSet.of(OperationType.PARTITION_CREATE, OperationType.PARTITION_DETACH,
                OperationType.PARTITION_DROP));
        m.put("backups", EnumSet.of(OperationType.BACKUP, OperationType.BACKUP_VERIFY, OperationType.RESTORE,
                OperationType.RESTORE_DRILL));
        m.put("migrations", EnumSet.of(OperationType.MIGRATE, OperationType.MIGRATE_UNDO));
        m.put("tuning", EnumSet.of(OperationType.TUNE, OperationType.TUNE_REVERT));
        return Map.copyOf(m);
    }

    /** Why migrations of an engine's targets are unavailable; empty for the {@link #MIGRATION_ENGINES}. */
    public static Optional<String> migrationsUnavailable(Engine engine) {
        if (MIGRATION_ENGINES.contains(engine)) {
            return Optional.empty();
        }
        return Optional.of(engine == Engine.REDIS ? "migrations do not apply to engine redis (a key-value store has no "
                + "schema to migrate)" : "engine " + engine.wire() + " has no migrations yet");
    }

    /** The executor of an operation type for targets of an engine, if there is one. */
    public Optional<OperationExecutor> executor(OperationType type, Engine engine) {
        return Optional.ofNullable(executors.getOrDefault(type, Map.of()).get(engine));
    }

    /** Why an engine's targets get no operation of a type; empty when an executor serves them. */
    public Optional<String> unavailable(OperationType type, Engine engine) {
        if (executor(type, engine).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("engine " + engine.wire() + " has no " + type.wire() + " operation yet"
                + (executors.containsKey(type) ? " (" + engines(type) + " only)" : ""));
    }

    private String engines(OperationType type) {
        return executors.get(type).keySet().stream().map(Engine::wire).collect(Collectors.joining(", "));
    }

    /** Whether a backup engine of this service backs up targets of an engine. */
    public boolean backsUp(Engine engine) {
        return backupEngines.stream().anyMatch(b -> b.databaseEngines().contains(engine));
    }

    /**
     * Every capability of an engine: {@code available} (with the operation types served when only some are), or
     * {@code unavailable: <reason>}.
     */
    public Map<String, String> capabilities(Engine engine) {
        Map<String, String> out = new LinkedHashMap<>();
        List.of("maintenance", "sessions", "index_changes", "partitions", "backups", "migrations", "tuning")
                .forEach(name -> {
                    Set<OperationType> types = CAPABILITIES.get(name);
                    List<String> served = types.stream().filter(t -> executor(t, engine).isPresent())
                            .map(OperationType::wire).sorted().toList();
                    boolean backups = !name.equals("backups") || backsUp(engine);
                    boolean migrations = !name.equals("migrations") || MIGRATION_ENGINES.contains(engine);
                    if (!migrations) {
                        out.put(name, "unavailable: " + migrationsUnavailable(engine).orElseThrow());
                    } else if (served.isEmpty() || !backups) {
                        out.put(name, "unavailable: engine " + engine.wire() + " has no " + name.replace('_', ' ')
                                + " yet");
                    } else if (served.size() == types.size()) {
                        out.put(name, "available");
                    } else {
                        out.put(name, "available: " + String.join(", ", served));
                    }
                });
        return out;
    }
}
