package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupCatalog;
import io.dbautopilot.automation.backup.BackupConfig;
import io.dbautopilot.automation.backup.BackupEngines;
import io.dbautopilot.automation.backup.BackupTargets;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.automation.backup.engine.ScratchRestoring;
import io.dbautopilot.automation.backup.engine.StoredFiles;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Restores a backup into a new data directory, starts it on its own port, measures the recovery time (start of the
 * restore → server out of recovery) and checks it (the database opens, row counts of configured tables, amcheck
 * on btree indexes when the extension is available); drills then stop and remove it, restores stop it and keep the
 * restored directory (running only when {@code keep_running} was asked for).
 */
@ApplicationScoped
public class Restorer {

    private static final Logger LOG = Logger.getLogger(Restorer.class);

    private final RestoreCatalog restores;
    private final BackupCatalog backups;
    private final BackupTargets targets;
    private final BackupEngines engines;
    private final BackupTools tools;
    private final BackupConfig config;
    private final RestoreDirectories directories;

    public Restorer(RestoreCatalog restores, BackupCatalog backups, BackupTargets targets, BackupEngines engines,
                    BackupTools tools, BackupConfig config, RestoreDirectories directories) {
        this.directories = directories;
        this.restores = restores;
        this.backups = backups;
        this.targets = targets;
        this.engines = engines;
        this.tools = tools;
        this.config = config;
    }

    /** The directory the service restores {@code restoreId} into when none was asked for. */
    public Path defaultDirectory(String databaseId, UUID restoreId) {
        return Path.of(config.directory()).resolve(databaseId).resolve("restores").resolve(restoreId.toString());
    }

    /** Runs a pending restore or drill; returns the finished record (failed ones carry the error). */
    public Restore run(UUID restoreId, BooleanSupplier stop, Instant deadline) {
        Restore r = restores.find(restoreId).orElseThrow(() -> new IllegalArgumentException("no restore " + restoreId));
        Backup backup = backups.find(r.backupId()).orElseThrow();
        Path home = defaultDirectory(r.databaseId(), restoreId);
        Path dataDir = r.dataDirectory() == null ? home.resolve("data") : Path.of(r.dataDirectory());
        boolean drill = "drill".equals(r.kind());
        if (engines.get(backup.engine()) instanceof ScratchRestoring scratch) {
            // absolute: mariadb-backup and the scratch servers run in other working directories
            return runScratch(r, backup, scratch, home.toAbsolutePath(), drill, stop, deadline);
        }
        ScratchCluster cluster = null;
        Map<String, Object> checks = new LinkedHashMap<>();
        Instant t0 = Instant.now();
        try {
            // from configuration and the catalog only: a restore must work while the source is down or gone
            BackupTarget target = targets.offline(r.databaseId(), backup);
            if (target.dataDirectory() != null
                    && dataDir.normalize().equals(Path.of(target.dataDirectory()).normalize())) {
                throw new BackupEngine.BackupFailure(dataDir + " is the data directory of the managed database '"
                        + r.databaseId() + "' (autopilot.backup.databases." + r.databaseId() + ".data-directory): "
                        + "a restore never goes over the target's own data directory");
            }
            if (r.dataDirectory() != null) {
                // re-checked at execution time: the directory may have changed since the request
                try {
                    dataDir = directories.check(r.dataDirectory(), true);
                } catch (RestoreDirectories.Refused e) {
                    throw new BackupEngine.BackupFailure("data directory " + r.dataDirectory() + " refused: "
                            + e.getMessage());
                }
                if (RestoreDirectories.ours(dataDir)) {
                    clear(dataDir); // force over an earlier restore of ours: its contents only
                }
            }
            int port = r.port() != null ? r.port() : ScratchCluster.freePort();
            StoredFiles.directory(home.getParent().getParent(), target.osUser()); // 0700: pg_ctl runs as that user
            StoredFiles.directory(home.getParent(), target.osUser());
            StoredFiles.directory(home, target.osUser());
            if (r.dataDirectory() == null) {
                StoredFiles.delete(dataDir); // left by an interrupted attempt
            }
            StoredFiles.directory(dataDir, target.osUser());
            Files.setPosixFilePermissions(dataDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            restores.running(restoreId, dataDir.toString(), port);
            t0 = Instant.now();
            engines.get(backup.engine()).restore(target, backup, dataDir, Optional.ofNullable(r.targetTime()), stop, deadline);
            Path marker = Files.writeString(dataDir.resolve(RestoreDirectories.MARKER), restoreId + "\n");
            StoredFiles.own(marker, target.osUser());
            Duration restoreTime = Duration.between(t0, Instant.now());
            int major = serverMajor(dataDir);
            checks.put("server_major", major);
            cluster = new ScratchCluster(tools.serverTool("pg_ctl", major), dataDir, home, port, target.osUser());
            cluster.start(home.resolve("server.log"), target.database(), target.user().orElse(null),
                    target.password().orElse(null), stop, deadline);
            long rto = Duration.between(t0, Instant.now()).toMillis();
            checks.put("restore_ms", restoreTime.toMillis());
            checks.put("start_ms", rto - restoreTime.toMillis());
            check(cluster, target, checks);
            LOG.infof("%s %s of backup %s (%s): RTO %d ms, checks %s", drill ? "Drill" : "Restore", restoreId,
                    backup.backupId(), r.databaseId(), rto, checks);
            // stopped (and, for a drill, removed) before the restore is recorded as finished: whoever sees
            // "succeeded" sees the copy in its final state
            if (drill) {
                stopAndRemove(cluster, home, r.dataDirectory() == null ? null : dataDir);
                cluster = null;
            } else if (!r.keepRunning()) {
                cluster.stop(); // the restored copy stays on disk, stopped: DELETE /api/restores/{id} removes it
                cluster = null;
            }
            return restores.finished(restoreId, "succeeded", rto, checks, null);
        } catch (BackupEngine.BackupFailure | IOException | SQLException | RuntimeException e) {
            LOG.warnf("%s %s of backup %s failed: %s", drill ? "Drill" : "Restore", restoreId, backup.backupId(), e.getMessage());
            if (cluster != null) {
                stopQuietly(cluster);
            }
            if (drill || r.dataDirectory() == null) {
                StoredFiles.deleteQuietly(home);
            }
            return restores.finished(restoreId, "failed", null, checks, e.getMessage());
        }
    }

    /**
     * A restore or drill of a MariaDB, Redis or SQLite engine's backup: restored under the restore's own directory,
     * opened (a scratch server; a scratch copy of the SQLite file), compared with what the backup recorded (MariaDB: the
     * tables' checksums; Redis: the key count and a sample of keys; SQLite: integrity_check and row counts), closed; a
     * drill removes it, a restore keeps its data directory ({@code <home>/data}: start it with {@code mariadbd
     * --datadir} or {@code redis-server --dir}; the SQLite copy is the file in it).
     */
    private Restore runScratch(Restore r, Backup backup, ScratchRestoring engine, Path home, boolean drill,
                               BooleanSupplier stop, Instant deadline) {
        try {
            BackupTarget target = targets.offline(r.databaseId(), backup);
            StoredFiles.deleteQuietly(home); // left by an interrupted attempt
            restores.running(r.restoreId(), home.resolve("data").toString(), null);
            ScratchRestoring.RestoreCheck c = engine.restoreAndCheck(target, backup, home, stop, deadline);
            if (drill || !c.equal()) {
                StoredFiles.deleteQuietly(home);
            }
            LOG.infof("%s %s of backup %s (%s): RTO %d ms, %s", drill ? "Drill" : "Restore", r.restoreId(),
                    backup.backupId(), r.databaseId(), c.rtoMillis(), c.detail());
            return restores.finished(r.restoreId(), c.equal() ? "succeeded" : "failed", c.rtoMillis(), c.checks(),
                    c.equal() ? null : c.detail());
        } catch (BackupEngine.BackupFailure | RuntimeException e) {
            LOG.warnf("%s %s of backup %s failed: %s", drill ? "Drill" : "Restore", r.restoreId(), backup.backupId(),
                    e.getMessage());
            StoredFiles.deleteQuietly(home);
            return restores.finished(r.restoreId(), "failed", null, Map.of(), e.getMessage());
        }
    }

    /** Stops a kept restore's server and removes the directories the service created. */
    public Restore remove(Restore r) throws IOException {
        Path home = defaultDirectory(r.databaseId(), r.restoreId());
        if (r.dataDirectory() != null && r.port() != null && Files.exists(Path.of(r.dataDirectory(), "postmaster.pid"))) {
            new ScratchCluster(tools.serverTool("pg_ctl"), Path.of(r.dataDirectory()), home, r.port(),
                    config.osUser().filter(u -> !u.isBlank())).stop();
        }
        StoredFiles.deleteQuietly(home);
        return restores.removed(r.restoreId());
    }

    /** The PostgreSQL major version of a restored data directory (its {@code PG_VERSION} file), 0 when unreadable. */
    static int serverMajor(Path dataDir) {
        try {
            return Integer.parseInt(Files.readString(dataDir.resolve("PG_VERSION")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void check(ScratchCluster cluster, BackupTarget target, Map<String, Object> checks) throws SQLException {
        try (Connection c = cluster.connect(target.database(), target.user().orElse(null), target.password().orElse(null));
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT current_database(), pg_database_size(current_database())")) {
                rs.next();
                checks.put("database_opens", true);
                checks.put("database_size_bytes", rs.getLong(2));
            }
            Map<String, Object> counts = new LinkedHashMap<>();
            List<String> tables = targets.settings(target.databaseId()).flatMap(BackupConfig.Database::drillTables)
                    .orElse(List.of());
            for (String table : tables) {
                String[] parts = table.contains(".") ? table.split("\\.", 2) : new String[] {"public", table};
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT format('SELECT count(*) FROM %I.%I', n.nspname, c.relname) FROM pg_class c
                          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?""")) {
                    ps.setString(1, parts[0]);
                    ps.setString(2, parts[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            counts.put(table, "missing");
                            continue;
                        }
                        try (ResultSet count = st.executeQuery(rs.getString(1))) {
                            count.next();
                            counts.put(table, count.getLong(1));
                        }
                    }
                }
            }
            checks.put("row_counts", counts);
            try {
                st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
                try (ResultSet rs = st.executeQuery("""
                        SELECT count(bt_index_check(c.oid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                          JOIN pg_am a ON a.oid = c.relam
                         WHERE a.amname = 'btree' AND c.relpersistence <> 't' AND i.indisvalid AND i.indisready""")) {
                    rs.next();
                    checks.put("amcheck_indexes_checked", rs.getLong(1));
                }
            } catch (SQLException e) {
                checks.put("amcheck", "unavailable or failed: " + e.getMessage());
                if (e.getMessage() != null && e.getMessage().contains("corrupt")) {
                    throw e;
                }
            }
        }
    }

    private static void stopAndRemove(ScratchCluster cluster, Path home, Path outside) throws IOException {
        cluster.stop();
        StoredFiles.delete(home);
        if (outside != null) {
            StoredFiles.delete(outside);
        }
    }

    private static void clear(Path dir) throws IOException {
        try (var children = Files.list(dir)) {
            for (Path child : children.toList()) {
                StoredFiles.delete(child);
            }
        }
    }

    private static void stopQuietly(ScratchCluster cluster) {
        try {
            cluster.stop();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not stop the scratch cluster on port %d: %s", cluster.port(), e.getMessage());
        }
    }
}
