package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Takes one backup end to end on the calling worker thread: cleans up what an interrupted backup left, records
 * the backup in the catalog, runs the engine (progress into the catalog and to the caller, throttled), verifies it
 * (corrupt = failure) and applies retention.
 */
@ApplicationScoped
public class BackupRunner {

    private static final Logger LOG = Logger.getLogger(BackupRunner.class);

    /** What the caller sees of a running backup: progress, a stop signal and a deadline. */
    public interface Watch {
        /** A throttled progress update ({@code percent}, {@code bytes_done}…, {@code backup_id}). */
        void progress(Map<String, Object> details);

        /** Whether to stop now (operator cancel, lease lost, shutdown). */
        boolean stop();

        /** When the attempt's time budget ends. */
        Instant deadline();
    }

    /** A backup that did not complete; {@code backup} is its catalog record when one was written. */
    public static class BackupFailedException extends Exception {
        private final transient Backup backup;

        public BackupFailedException(String message, Backup backup, Throwable cause) {
            super(message, cause);
            this.backup = backup;
        }

        /** The catalog record (failed or corrupt), or null when the backup never started. */
        public Backup backup() {
            return backup;
        }
    }

    private final BackupTargets targets;
    private final BackupCatalog catalog;
    private final BackupEngines engines;
    private final BackupTools tools;
    private final BackupRetention retention;
    private final BackupConfig config;

    public BackupRunner(BackupTargets targets, BackupCatalog catalog, BackupEngines engines, BackupTools tools,
                        BackupRetention retention, BackupConfig config) {
        this.targets = targets;
        this.catalog = catalog;
        this.engines = engines;
        this.tools = tools;
        this.retention = retention;
        this.config = config;
    }

    /**
     * The type taken when none is asked for: pg_dump and mariadb-dump → logical, pg_basebackup and VACUUM INTO → full,
     * pgBackRest and
     * mariadb-backup → incremental after a full.
     */
    public BackupType defaultType(String databaseId, EngineKind engine) {
        return switch (engine) {
            case PG_DUMP, MARIADB_DUMP -> BackupType.LOGICAL;
            case PG_BASEBACKUP, REDIS_RDB, SQLITE_VACUUM_INTO -> BackupType.FULL;
            case PGBACKREST, MARIADB_BACKUP -> catalog.completed(databaseId).stream()
                    .anyMatch(b -> b.engine() == engine && b.backupType() == BackupType.FULL)
                    ? BackupType.INCREMENTAL : BackupType.FULL;
        };
    }

    /** The engine for a backup that names none, told to the log and the caller's progress with the reason. */
    private EngineKind chooseEngine(String databaseId, BackupTarget target, BackupType type, Watch watch)
            throws BackupFailedException {
        BackupEngines.Choice choice;
        try {
            choice = engines.choose(databaseId, target, type);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BackupFailedException(e.getMessage(), null, e);
        }
        LOG.infof("Backup of %s: engine %s (%s)", databaseId, choice.kind().wire(), choice.why());
        watch.progress(Map.of("engine", choice.kind().wire(), "engine_choice", choice.why()));
        return choice.kind();
    }

    /** Checks that an engine is installed and can take this type; empty when it can, else why not. */
    public Optional<String> unavailable(EngineKind engine) {
        BackupTools.EngineAvailability a = tools.engine(engine);
        return a.available() ? Optional.empty() : Optional.of("backup engine " + engine.wire() + " is unavailable: "
                + String.join(", ", a.missing()) + " not installed. Install: " + a.install());
    }

    /**
     * Takes, verifies and records a backup; {@code type}/{@code engine} null = the defaults. Returns the completed
     * catalog record, or throws with the failed/corrupt one.
     */
    public Backup backup(String databaseId, BackupType type, EngineKind engine, String reason, UUID operationId,
                         Watch watch) throws BackupFailedException {
        BackupTarget target;
        try {
            target = targets.resolve(databaseId);
        } catch (BackupEngine.BackupFailure e) {
            throw new BackupFailedException(e.getMessage(), null, e);
        }
        EngineKind kind = engine != null ? engine : chooseEngine(databaseId, target, type, watch);
        Optional<String> missing = unavailable(kind);
        if (missing.isPresent()) {
            throw new BackupFailedException(missing.get(), null, null);
        }
        BackupType t = type != null ? type : defaultType(databaseId, kind);
        BackupEngine eng = engines.get(kind);
        if (!eng.databaseEngines().contains(target.engine())) {
            throw new BackupFailedException("backup engine " + kind.wire() + " does not back up " + target.engine().wire()
                    + " databases ('" + databaseId + "')", null, null);
        }
        Optional<String> why = eng.unsupported(target, t);
        if (why.isPresent()) {
            throw new BackupFailedException(why.get(), null, null);
        }
        cleanInterrupted(target, operationId);
        Backup started = catalog.start(databaseId, target.database(), t, kind, operationId, reason);
        UUID id = started.backupId();
        LOG.infof("Backup %s of %s: %s %s started (%s)", id, databaseId, kind.wire(), t.wire(), reason);
        long[] lastReport = {0};
        BackupEngine.Progress progress = new BackupEngine.Progress() {
            @Override
            public void report(double percent, Long bytesDone, Long bytesTotal) {
                long now = System.currentTimeMillis();
                if (now - lastReport[0] < config.progressInterval().toMillis() && percent < 100.0) {
                    return;
                }
                lastReport[0] = now;
                double rounded = Math.round(percent * 100.0) / 100.0;
                catalog.progress(id, rounded, bytesDone);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("backup_id", id.toString());
                details.put("engine", kind.wire());
                details.put("backup_type", t.wire());
                details.put("percent", rounded);
                if (bytesDone != null) {
                    details.put("bytes_done", bytesDone);
                }
                if (bytesTotal != null) {
                    details.put("bytes_total", bytesTotal);
                }
                watch.progress(details);
            }

            @Override
            public void location(String path) {
                catalog.location(id, path);
            }
        };
        BackupEngine.EngineResult result;
        long t0 = System.nanoTime();
        try {
            result = eng.backup(target, t, progress, watch::stop, watch.deadline());
        } catch (BackupEngine.BackupFailure | RuntimeException e) {
            Backup failed = catalog.failed(id, e.getMessage());
            throw new BackupFailedException(kind.wire() + " " + t.wire() + " backup of " + databaseId + " failed: "
                    + e.getMessage(), failed, e);
        }
        UUID parent = result.parentLabel() == null ? null
                : catalog.byLabel(databaseId, kind, result.parentLabel()).map(Backup::backupId).orElse(null);
        Backup finished = catalog.finished(id, result, parent, (System.nanoTime() - t0) / 1_000_000);
        Backup verified;
        try {
            long v0 = System.nanoTime();
            BackupEngine.Verification v = eng.verify(target, finished);
            verified = catalog.verified(id, v, true, (System.nanoTime() - v0) / 1_000_000);
        } catch (BackupEngine.BackupFailure | RuntimeException e) {
            Backup failed = catalog.failed(id, "verification could not run: " + e.getMessage());
            throw new BackupFailedException("backup " + id + " taken but its verification could not run: "
                    + e.getMessage(), failed, e);
        }
        if (verified.status() == BackupStatus.CORRUPT) {
            throw new BackupFailedException("backup " + id + " is corrupt: " + verified.verification(), verified, null);
        }
        try {
            retention.apply(target, kind);
        } catch (BackupEngine.BackupFailure | RuntimeException e) {
            LOG.warnf("Backup %s of %s completed, but retention failed: %s", id, databaseId, e.getMessage());
        }
        LOG.infof("Backup %s of %s completed and verified: %s %s, %d bytes", id, databaseId, kind.wire(),
                verified.backupType().wire(), verified.sizeBytes());
        return catalog.find(id).orElse(verified);
    }

    /** Verifies a stored backup again; a failed verification marks it corrupt. */
    public Backup verify(UUID backupId) throws BackupFailedException {
        Backup b = catalog.find(backupId).orElseThrow(() -> new BackupFailedException("no backup " + backupId, null, null));
        if (b.status() != BackupStatus.COMPLETED && b.status() != BackupStatus.CORRUPT) {
            throw new BackupFailedException("backup " + backupId + " is " + b.status().wire()
                    + ": only completed (or corrupt) backups can be verified", b, null);
        }
        try {
            // stored files and the repository only: a backup is verifiable while its source is down
            BackupTarget target = targets.offline(b.databaseId(), b);
            long v0 = System.nanoTime();
            BackupEngine.Verification v = engines.get(b.engine()).verify(target, b);
            Backup after = catalog.verified(backupId, v, b.status() == BackupStatus.CORRUPT,
                    (System.nanoTime() - v0) / 1_000_000);
            if (!v.valid()) {
                throw new BackupFailedException("backup " + backupId + " is corrupt: " + v.detail(), after, null);
            }
            return after;
        } catch (BackupEngine.BackupFailure e) {
            throw new BackupFailedException("verification of " + backupId + " could not run: " + e.getMessage(), b, e);
        }
    }

    /** Marks backups left running by a dead instance as failed and removes their partial files. */
    void cleanInterrupted(BackupTarget target, UUID retryOf) {
        List<Backup> orphans = catalog.orphans(target.databaseId(), retryOf);
        for (Backup b : orphans) {
            engines.get(b.engine()).cleanPartial(target, b);
            catalog.failed(b.backupId(), "interrupted: the service stopped while this backup ran; partial files removed"
                    + (b.engine() == EngineKind.PGBACKREST ? " by pgBackRest's next backup" : ""));
            LOG.warnf("Backup %s of %s was interrupted (its operation no longer runs): marked failed, partial files removed",
                    b.backupId(), target.databaseId());
        }
    }
}
