package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.automation.backup.engine.PgBackRestEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Applies retention after a backup: pgBackRest expires its own backups (chain-aware, {@code repo1-retention-full})
 * and the catalog follows what its repository still holds; for the other engines the service removes the backups
 * {@link RetentionPlan} selects from disk, then marks them expired in the catalog.
 */
@ApplicationScoped
public class BackupRetention {

    private static final Logger LOG = Logger.getLogger(BackupRetention.class);

    private final BackupCatalog catalog;
    private final BackupEngines engines;
    private final BackupTargets targets;

    public BackupRetention(BackupCatalog catalog, BackupEngines engines, BackupTargets targets) {
        this.catalog = catalog;
        this.engines = engines;
        this.targets = targets;
    }

    /** Applies the retention of one engine on one database; returns the expired backup ids. */
    public List<UUID> apply(BackupTarget target, EngineKind kind) throws BackupEngine.BackupFailure {
        List<Backup> kept = catalog.completed(target.databaseId()).stream().filter(b -> b.engine() == kind).toList();
        List<UUID> expired = new ArrayList<>();
        if (kind == EngineKind.PGBACKREST) {
            Set<String> labels = ((PgBackRestEngine) engines.get(kind)).labels(target);
            for (Backup b : catalog.stored(target.databaseId()).stream().filter(x -> x.engine() == kind).toList()) {
                if (b.label() != null && !labels.contains(b.label())) {
                    expired.add(b.backupId());
                }
            }
        } else {
            Set<UUID> plan = RetentionPlan.expire(kept, target.retentionFull(),
                    targets.settings(target.databaseId()).flatMap(BackupConfig.Database::retentionAge), Instant.now());
            for (Backup b : kept) {
                if (plan.contains(b.backupId())) {
                    engines.get(kind).remove(target, b);
                    expired.add(b.backupId());
                }
            }
        }
        catalog.expired(expired);
        if (!expired.isEmpty()) {
            LOG.infof("Retention on %s (%s): expired %s", target.databaseId(), kind.wire(), expired);
        }
        return expired;
    }
}
