package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine beans by kind, and which engine a backup uses when none is asked for. */
@ApplicationScoped
public class BackupEngines {

    /** The order in which engines are tried when none is configured: incremental-capable first, logical last. */
    private static final List<EngineKind> PREFERENCE = List.of(EngineKind.PGBACKREST, EngineKind.PG_BASEBACKUP,
            EngineKind.PG_DUMP);
    /** The same for MySQL / MariaDB targets: mariadb-backup (same host only), then mariadb-dump. */
    private static final List<EngineKind> MARIADB_PREFERENCE = List.of(EngineKind.MARIADB_BACKUP,
            EngineKind.MARIADB_DUMP);

    private final Map<EngineKind, BackupEngine> byKind = new EnumMap<>(EngineKind.class);
    private final BackupTools tools;
    private final BackupConfig config;

    public BackupEngines(Instance<BackupEngine> engines, BackupTools tools, BackupConfig config) {
        engines.forEach(e -> byKind.put(e.kind(), e));
        this.tools = tools;
        this.config = config;
    }

    /** The engine of a kind. */
    public BackupEngine get(EngineKind kind) {
        return byKind.get(kind);
    }

    /** The engine a database is configured to use ({@code autopilot.backup.databases.<id>.engine}), if any. */
    public Optional<EngineKind> configured(String databaseId) {
        BackupConfig.Database s = config.databases().get(databaseId);
        if (s == null || s.engine().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EngineKind.parse(s.engine().get()).orElseThrow(() -> new IllegalArgumentException(
                "autopilot.backup.databases." + databaseId + ".engine: unknown engine '" + s.engine().get()
                        + "' (pgbackrest, pg_basebackup, pg_dump, mariadb_dump, mariadb_backup, redis_rdb, sqlite_vacuum_into)")));
    }

    /** Whether at least one engine's tools are installed on this machine. */
    public boolean anyInstalled() {
        return java.util.Arrays.stream(EngineKind.values()).anyMatch(k -> tools.engine(k).available());
    }

    /**
     * The engine a backup of {@code target} uses when the request names none: the configured one, else the first of
     * pgBackRest, pg_basebackup, pg_dump (MySQL / MariaDB: mariadb-backup, mariadb-dump; SQLite: VACUUM INTO) that is installed and can take {@code type} (null = the engine's own default
     * type) of the target as it runs (pgBackRest needs WAL archiving), with why the others were passed over.
     *
     * @throws IllegalStateException when no engine fits, naming why for each
     */
    public Choice choose(String databaseId, BackupTarget target, BackupType type) {
        Optional<EngineKind> configured = configured(databaseId);
        if (configured.isPresent()) {
            return new Choice(configured.get(), "configured with autopilot.backup.databases." + databaseId + ".engine");
        }
        List<String> passed = new ArrayList<>();
        boolean mariaDb = byKind.values().stream().filter(e -> e.kind().mariaDb())
                .anyMatch(e -> e.databaseEngines().contains(target.engine()));
        List<EngineKind> preference = target.engine() == io.dbautopilot.model.Engine.REDIS
                ? List.of(EngineKind.REDIS_RDB) : target.engine() == io.dbautopilot.model.Engine.SQLITE
                ? List.of(EngineKind.SQLITE_VACUUM_INTO) : mariaDb ? MARIADB_PREFERENCE : PREFERENCE;
        for (EngineKind kind : preference) {
            BackupTools.EngineAvailability a = tools.engine(kind);
            if (!a.available()) {
                passed.add(kind.wire() + ": " + String.join(", ", a.missing()) + " not installed");
                continue;
            }
            BackupType t = type != null ? type
                    : kind == EngineKind.PG_DUMP || kind == EngineKind.MARIADB_DUMP ? BackupType.LOGICAL : BackupType.FULL;
            Optional<String> why = byKind.get(kind).unsupported(target, t);
            if (why.isPresent()) {
                passed.add(kind.wire() + ": " + why.get());
                continue;
            }
            return new Choice(kind, passed.isEmpty() ? "default: the first engine that fits"
                    : "default, passed over " + String.join("; ", passed));
        }
        throw new IllegalStateException("no backup engine can back up '" + databaseId + "'"
                + (type == null ? "" : " as " + type.wire()) + ": " + String.join("; ", passed));
    }

    /** The engine chosen for a backup and why (shown in the log and the operation's progress). */
    public record Choice(EngineKind kind, String why) {
    }
}
