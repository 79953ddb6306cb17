package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.url.DatabaseUrl;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Resolves a managed database into a {@link BackupTarget}: its connection settings plus what the server reports
 * ({@link #resolve}, for backups), or from configuration and the catalog alone ({@link #offline}, for restores and
 * drills, which must work while the source is down or gone).
 */
@ApplicationScoped
public class BackupTargets {

    private final ManagedDatabases databases;
    private final BackupConfig config;
    private final io.dbautopilot.automation.redis.RedisConnections redis;

    public BackupTargets(ManagedDatabases databases, BackupConfig config,
                         io.dbautopilot.automation.redis.RedisConnections redis) {
        this.databases = databases;
        this.config = config;
        this.redis = redis;
    }

    /** Backup settings of a database (defaults when none are configured). */
    public Optional<BackupConfig.Database> settings(String id) {
        return Optional.ofNullable(config.databases().get(id));
    }

    /** Connects to the target and reads its version, data directory, socket directory and archiving settings. */
    public BackupTarget resolve(String id) throws BackupEngine.BackupFailure {
        if (!databases.exists(id)) {
            throw new BackupEngine.BackupFailure("'" + id + "' is not a managed database (autopilot.databases." + id + ".url)");
        }
        ManagedDatabasesConfig.Database db = databases.settings(id);
        DatabaseUrl url = db.url();
        Engine engine = databases.engineOf(id).orElse(Engine.POSTGRESQL);
        if (engine == Engine.SQLITE) {
            // the file is the database: its path as database name, the library version as server version
            try (Connection c = databases.connect(id, "backup"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
                rs.next();
                return target(id, "", 0, url.database(), Optional.empty(), Optional.empty(),
                        mysqlVersionNum(rs.getString(1)), null, null, null, null);
            } catch (SQLException e) {
                throw new BackupEngine.BackupFailure("cannot open '" + id + "' (" + url.database() + ") to back it up: "
                        + e.getMessage(), e);
            }
        }
        boolean mysql = engine == Engine.MYSQL || engine == Engine.MARIADB;
        if (engine == Engine.REDIS) {
            // no SQL: the version from INFO server (7.0.15 -> 70015); no data directory, socket or archiving
            try (io.dbautopilot.automation.redis.RedisSession s = redis.open(id)) {
                int version = mysqlVersionNum(s.info("server").get("redis_version"));
                return target(id, url.host(), url.port(), url.database().isEmpty() ? "0" : url.database(),
                        db.username(), db.password(), version, null, null, null, null);
            } catch (RuntimeException e) {
                throw new BackupEngine.BackupFailure("cannot reach '" + id + "' to back it up: " + e.getMessage(), e);
            }
        }
        // MySQL / MariaDB: version, datadir and socket; archiving does not apply (null)
        String sql = mysql ? "SELECT VERSION(), @@datadir, @@socket, NULL, NULL" : """
                SELECT current_setting('server_version_num')::int, current_setting('data_directory', true),
                       split_part(current_setting('unix_socket_directories'), ',', 1),
                       current_setting('archive_mode'), current_setting('archive_command')""";
        try (Connection c = databases.connect(id, "backup"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            int version = mysql ? mysqlVersionNum(rs.getString(1)) : rs.getInt(1);
            String socket = rs.getString(3) == null ? null : rs.getString(3).trim();
            return target(id, url.host(), url.port(), url.database(), db.username(), db.password(), version,
                    settings(id).flatMap(BackupConfig.Database::dataDirectory).orElse(rs.getString(2)),
                    socket, rs.getString(4), rs.getString(5));
        } catch (SQLException e) {
            throw new BackupEngine.BackupFailure("cannot reach '" + id + "' to back it up: " + e.getMessage(), e);
        }
    }

    /**
     * {@code 10.11.6-MariaDB-…} → 101106, Redis {@code 7.0.15} → 70015 (as {@code server_version_num} is for
     * PostgreSQL); 0 when unreadable.
     */
    static int mysqlVersionNum(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)").matcher(
                version == null ? "" : version);
        return m.find() ? Integer.parseInt(m.group(1)) * 10000 + Integer.parseInt(m.group(2)) * 100
                + Integer.parseInt(m.group(3)) : 0;
    }

    /**
     * What a restore or drill of {@code backup} needs, from configuration and the catalog only, without connecting:
     * stanza, pgBackRest configuration, OS user, repository directory, database name and credentials for the checks
     * (the configured ones; the catalog's database name and no credentials when the database is no longer
     * configured). The server-reported fields are unknown: {@code serverVersionNum} 0, {@code socketDirectory},
     * {@code archiveMode} and {@code archiveCommand} null, {@code dataDirectory} the configured one or null.
     */
    public BackupTarget offline(String id, Backup backup) {
        if (!databases.exists(id)) {
            return target(id, null, 0, backup.databaseName(), Optional.empty(), Optional.empty(), 0,
                    settings(id).flatMap(BackupConfig.Database::dataDirectory).orElse(null), null, null, null);
        }
        ManagedDatabasesConfig.Database db = databases.settings(id);
        return target(id, db.url().host(), db.url().port(), db.url().database(), db.username(), db.password(), 0,
                settings(id).flatMap(BackupConfig.Database::dataDirectory).orElse(null), null, null, null);
    }

    /** A target with the server-reported fields given, and the backup settings of {@code id} (or their defaults). */
    private BackupTarget target(String id, String host, int port, String database, Optional<String> user,
                                Optional<String> password, int serverVersionNum, String dataDirectory,
                                String socketDirectory, String archiveMode, String archiveCommand) {
        Optional<BackupConfig.Database> s = settings(id);
        return new BackupTarget(id, host, port, database, user, password, serverVersionNum, dataDirectory,
                socketDirectory, archiveMode, archiveCommand, Path.of(config.directory()).toAbsolutePath().resolve(id),
                config.osUser().filter(u -> !u.isBlank()), s.flatMap(BackupConfig.Database::stanza).orElse(id),
                s.flatMap(BackupConfig.Database::pgbackrestConfig),
                s.map(BackupConfig.Database::configureArchiving).orElse(true),
                s.map(BackupConfig.Database::retentionFull).orElse(2),
                s.flatMap(BackupConfig.Database::retentionAge).map(d -> Math.max(1, ceilDays(d))),
                () -> databases.connect(id, "backup"),
                databases.exists(id) ? databases.settings(id).url().params() : java.util.Map.of(),
                databases.engineOf(id).orElse(Engine.POSTGRESQL));
    }

    /**
     * The source's data directory for the "never restore over the running target" refusal: the configured
     * {@code data-directory} without connecting, else {@code SHOW data_directory} when the source is reachable,
     * else empty (the source is down: its directory is unknown and nothing runs there to be overwritten by us).
     */
    public Optional<String> sourceDataDirectory(String id) {
        Optional<String> configured = settings(id).flatMap(BackupConfig.Database::dataDirectory);
        if (configured.isPresent() || !databases.exists(id)) {
            return configured;
        }
        try {
            return Optional.ofNullable(resolve(id).dataDirectory());
        } catch (BackupEngine.BackupFailure e) {
            return Optional.empty();
        }
    }

    private static long ceilDays(Duration d) {
        return (d.toHours() + 23) / 24;
    }
}
