package io.dbautopilot.automation.database;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /api/databases}: every managed database with reachability, activity, size and last maintenance. */
@Path("/api/databases")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class DatabaseResource {

    private static final String PROBE = """
            SELECT current_database(), current_setting('server_version'),
                   (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())::int,
                   (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
                       AND pid <> pg_backend_pid())::int,
                   (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
                       AND pid <> pg_backend_pid() AND now() - query_start > ?::interval)::int,
                   (SELECT CASE WHEN blks_hit + blks_read = 0 THEN NULL ELSE blks_hit::float8 / (blks_hit + blks_read) END
                      FROM pg_stat_database WHERE datname = current_database()),
                   pg_database_size(current_database()) / 1e9,
                   (SELECT max(greatest(last_vacuum, last_analyze)) FROM pg_stat_user_tables)""";

    /** The same columns for MySQL / MariaDB (no cache hit ratio and last maintenance: see the notes). */
    private static final String MYSQL_PROBE = """
            SELECT DATABASE(), VERSION(),
                   (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()),
                   (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query'
                       AND ID <> CONNECTION_ID()),
                   (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query'
                       AND ID <> CONNECTION_ID() AND TIME * 1000 > ?),
                   NULL,
                   (SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES
                     WHERE TABLE_SCHEMA = DATABASE()) / 1e9,
                   NULL""";

    /**
     * The same columns for a SQLite file: its path, the library version, no server sessions to count (0), the file's
     * pages times the page size; the parameter is unused (SQLite has no running queries to time).
     */
    private static final String SQLITE_PROBE = """
            SELECT (SELECT file FROM pragma_database_list WHERE name = 'main'), sqlite_version(), 0, 0, 0 * ?, NULL,
                   (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) / 1e9,
                   NULL""";

    private final ManagedDatabases databases;
    private final io.dbautopilot.automation.engine.Engines engines;
    private final StateTransactions transactions;
    private final io.dbautopilot.automation.migration.MigrationCatalog migrations;
    private final io.dbautopilot.automation.migration.MigrationFlyway flyways;
    private final io.dbautopilot.automation.redis.RedisConnections redis;

    public DatabaseResource(ManagedDatabases databases, StateTransactions transactions,
                            io.dbautopilot.automation.migration.MigrationCatalog migrations,
                            io.dbautopilot.automation.migration.MigrationFlyway flyways,
                            io.dbautopilot.automation.engine.Engines engines,
                            io.dbautopilot.automation.redis.RedisConnections redis) {
        this.redis = redis;
        this.databases = databases;
        this.engines = engines;
        this.transactions = transactions;
        this.migrations = migrations;
        this.flyways = flyways;
    }

    @GET
    @Operation(summary = "Managed databases", description = "Reachability, connections, queries, cache hit ratio, size, "
            + "last maintenance and last optimization of every managed database (registry targets and local settings); a "
            + "target this service cannot manage is listed with status unavailable and the reason.")
    public List<DatabaseStatus> list() {
        java.util.Map<String, DatabaseStatus> out = new java.util.TreeMap<>();
        for (String id : databases.ids()) {
            try {
                out.put(id, status(id));
            } catch (IllegalArgumentException removedMeanwhile) {
                // removed from the registry while listing
            }
        }
        databases.unavailable().forEach((id, reason) -> out.putIfAbsent(id, new DatabaseStatus(id, null,
                "unavailable", "unavailable: " + reason, null, null, null, null, null, null, null, null, null, null,
                List.of(), false, List.of("not managed by this service until the target is fixed"), null, null, null,
                java.util.Map.of())));
        return new ArrayList<>(out.values());
    }

    private static String source(ManagedDatabasesConfig.Database settings) {
        return settings instanceof DatabaseSettings s ? s.source() : null;
    }

    private DatabaseStatus status(String id) {
        ManagedDatabasesConfig.Database settings = databases.settings(id);
        List<String> windows = settings.maintenanceWindows().orElse(List.of());
        boolean open = databases.schedule(id).isOpen(Instant.now());
        Instant lastOptimization = transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement(
                    "SELECT max(finished_at) FROM automation.operation WHERE target_id = ? AND status = 'succeeded'"
                            + " AND type NOT IN ('backup', 'backup_verify', 'restore', 'restore_drill')")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Timestamp t = rs.getTimestamp(1);
                    return t == null ? null : t.toInstant();
                }
            }
        });
        Instant lastBackup = transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement(
                    "SELECT max(completed_at) FROM automation.backup WHERE database_id = ? AND status = 'completed'")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Timestamp t = rs.getTimestamp(1);
                    return t == null ? null : t.toInstant();
                }
            }
        });
        List<String> notes = new ArrayList<>(List.of(
                "last_backup: completion time of the newest completed (verified) backup in GET /api/backups"));
        String schemaVersion = null;
        if (!flyways.configured(id)) {
            notes.add("schema_version: null, no migrations location (autopilot.migrations.databases." + id + ".location)");
        } else {
            try {
                schemaVersion = migrations.schemaVersion(id).orElse(null);
            } catch (RuntimeException e) {
                notes.add("schema_version: unknown, Flyway could not read it: " + e.getMessage());
            }
        }
        io.dbautopilot.model.Engine engine = databases.engine(id);
        boolean postgres = engine == io.dbautopilot.model.Engine.POSTGRESQL;
        java.util.Map<String, String> capabilities = engines.capabilities(engine);
        if (engine == io.dbautopilot.model.Engine.REDIS) {
            return redisStatus(id, settings, lastBackup, lastOptimization, schemaVersion, windows, open, notes,
                    capabilities);
        }
        boolean sqlite = engine == io.dbautopilot.model.Engine.SQLITE;
        if (sqlite) {
            notes.add("connection_count, active_queries, slow_queries: 0, a SQLite file has no server sessions to count;"
                    + " cache_hit_ratio and last_maintenance: null (the performance service reports sqlite_* metrics)");
        } else if (!postgres) {
            notes.add("cache_hit_ratio and last_maintenance: null for " + engine.wire() + " (the performance service "
                    + "reports mysql_innodb_buffer_pool_hit_ratio)");
        }
        try (Connection c = databases.connect(id, "status");
             PreparedStatement ps = c.prepareStatement(postgres ? PROBE : sqlite ? SQLITE_PROBE : MYSQL_PROBE)) {
            if (postgres) {
                ps.setString(1, settings.slowQueryThreshold().toMillis() + " milliseconds");
            } else {
                ps.setLong(1, settings.slowQueryThreshold().toMillis());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp lastMaintenance = rs.getTimestamp(8);
                Object ratio = rs.getObject(6);
                return new DatabaseStatus(id, rs.getString(1), "reachable", null, rs.getString(2), rs.getInt(3),
                        rs.getInt(4), rs.getInt(5), ratio == null ? null : ((Number) ratio).doubleValue(),
                        Math.round(rs.getDouble(7) * 1000.0) / 1000.0, lastBackup, lastOptimization,
                        lastMaintenance == null ? null : lastMaintenance.toInstant(), schemaVersion, windows, open, notes,
                        settings.trust().wire(), source(settings), engine.wire(), capabilities);
            }
        } catch (SQLException e) {
            return new DatabaseStatus(id, null, "unreachable", e.getMessage(), null, null, null, null, null, null, lastBackup,
                    lastOptimization, null, schemaVersion, windows, open, notes, settings.trust().wire(), source(settings),
                    engine.wire(), capabilities);
        }
    }

    /**
     * A Redis target from one {@code INFO}: database {@code db<n>}, {@code redis_version}, connected clients, blocked
     * clients as the active ones, the keyspace hit ratio; no SQL size or slow queries (see the notes).
     */
    private DatabaseStatus redisStatus(String id, ManagedDatabasesConfig.Database settings, Instant lastBackup,
                                       Instant lastOptimization, String schemaVersion, List<String> windows, boolean open,
                                       List<String> notes, java.util.Map<String, String> capabilities) {
        notes.add("redis: active_queries = blocked_clients; slow_queries, disk_usage_gb and last_maintenance are null "
                + "(the performance service reports redis_slowlog_length and redis_memory_used_bytes)");
        String db = "db" + (settings.url().database().isEmpty() ? "0" : settings.url().database());
        try (io.dbautopilot.automation.redis.RedisSession s = redis.open(id)) {
            java.util.Map<String, String> info = s.info("");
            double hits = number(info.get("keyspace_hits"));
            double misses = number(info.get("keyspace_misses"));
            return new DatabaseStatus(id, db, "reachable", null, info.get("redis_version"),
                    (int) number(info.get("connected_clients")), (int) number(info.get("blocked_clients")), null,
                    hits + misses > 0 ? hits / (hits + misses) : null, null, lastBackup, lastOptimization, null,
                    schemaVersion, windows, open, notes, settings.trust().wire(), source(settings), "redis", capabilities);
        } catch (RuntimeException e) {
            return new DatabaseStatus(id, null, "unreachable", String.valueOf(e.getMessage()), null, null, null, null,
                    null, null, lastBackup, lastOptimization, null, schemaVersion, windows, open, notes,
                    settings.trust().wire(), source(settings), "redis", capabilities);
        }
    }

    private static double number(String text) {
        try {
            return text == null ? 0 : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
