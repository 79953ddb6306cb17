package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
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

    public BackupTargets(ManagedDatabases databases, BackupConfig config) {
        this.databases = databases;
        this.config = config;
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
        Optional<BackupConfig.Database> s = settings(id);
        URI uri = URI.create(db.url().startsWith("jdbc:") ? db.url().substring(5) : db.url());
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String database = uri.getPath().substring(1);
        BackupTarget.Connector connector = () -> databases.connect(id, "backup");
        try (Connection c = connector.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT current_setting('server_version_num')::int, current_setting('data_directory', true),
                            split_part(current_setting('unix_socket_directories'), ',', 1),
                            current_setting('archive_mode'), current_setting('archive_command')""")) {
            rs.next();
            String dataDir = s.flatMap(BackupConfig.Database::dataDirectory).orElse(rs.getString(2));
            return new BackupTarget(id, uri.getHost(), port, database, db.username(), db.password(), rs.getInt(1),
                    dataDir, rs.getString(3).trim(), rs.getString(4), rs.getString(5),
                    Path.of(config.directory()).resolve(id), config.osUser().filter(u -> !u.isBlank()),
                    s.flatMap(BackupConfig.Database::stanza).orElse(id),
                    s.flatMap(BackupConfig.Database::pgbackrestConfig), s.map(BackupConfig.Database::configureArchiving)
                    .orElse(true), s.map(BackupConfig.Database::retentionFull).orElse(2),
                    s.flatMap(BackupConfig.Database::retentionAge).map(d -> Math.max(1, ceilDays(d))), connector);
        } catch (SQLException e) {
            throw new BackupEngine.BackupFailure("cannot reach '" + id + "' to back it up: " + e.getMessage(), e);
        }
    }

    /**
     * What a restore or drill of {@code backup} needs, from configuration and the catalog only, without connecting:
     * stanza, pgBackRest configuration, OS user, repository directory, database name and credentials for the checks
     * (the configured ones; the catalog's database name and no credentials when the database is no longer
     * configured). The server-reported fields are unknown: {@code serverVersionNum} 0, {@code socketDirectory},
     * {@code archiveMode} and {@code archiveCommand} null, {@code dataDirectory} the configured one or null.
     */
    public BackupTarget offline(String id, Backup backup) {
        Optional<BackupConfig.Database> s = settings(id);
        String host = null;
        int port = 0;
        String database = backup.databaseName();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (databases.exists(id)) {
            ManagedDatabasesConfig.Database db = databases.settings(id);
            URI uri = URI.create(db.url().startsWith("jdbc:") ? db.url().substring(5) : db.url());
            host = uri.getHost();
            port = uri.getPort() > 0 ? uri.getPort() : 5432;
            database = uri.getPath().substring(1);
            user = db.username();
            password = db.password();
        }
        BackupTarget.Connector connector = () -> databases.connect(id, "backup");
        return new BackupTarget(id, host, port, database, user, password, 0,
                s.flatMap(BackupConfig.Database::dataDirectory).orElse(null), null, null, null,
                Path.of(config.directory()).resolve(id), config.osUser().filter(u -> !u.isBlank()),
                s.flatMap(BackupConfig.Database::stanza).orElse(id), s.flatMap(BackupConfig.Database::pgbackrestConfig),
                s.map(BackupConfig.Database::configureArchiving).orElse(true),
                s.map(BackupConfig.Database::retentionFull).orElse(2),
                s.flatMap(BackupConfig.Database::retentionAge).map(d -> Math.max(1, ceilDays(d))), connector);
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
