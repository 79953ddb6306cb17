package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.EnumMap;
import java.util.Map;

/** The engine beans by kind, and which engine a database uses by default. */
@ApplicationScoped
public class BackupEngines {

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

    /** The configured engine of a database, else pgbackrest where installed, else pg_basebackup. */
    public EngineKind defaultFor(String databaseId) {
        BackupConfig.Database s = config.databases().get(databaseId);
        if (s != null && s.engine().isPresent()) {
            return EngineKind.parse(s.engine().get()).orElseThrow(() -> new IllegalArgumentException(
                    "autopilot.backup.databases." + databaseId + ".engine: unknown engine '" + s.engine().get()
                            + "' (pgbackrest, pg_basebackup, pg_dump)"));
        }
        return tools.engine(EngineKind.PGBACKREST).available() ? EngineKind.PGBACKREST : EngineKind.PG_BASEBACKUP;
    }
}
