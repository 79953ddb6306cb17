package io.dbautopilot.automation.backup.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A managed database as the backup engines see it: how to reach it (host, port, credentials for the client tools
 * and a JDBC connector), what the server says about itself, and where its backups live on this machine.
 *
 * @param databaseId          managed database id
 * @param host                server host
 * @param port                server port
 * @param database            PostgreSQL database name
 * @param user                role the tools connect as
 * @param password            its password (passed to tools as PGPASSWORD, never on a command line)
 * @param serverVersionNum    {@code server_version_num}
 * @param dataDirectory       the server's data directory (pgBackRest runs beside it)
 * @param socketDirectory     first {@code unix_socket_directories} entry (pgBackRest connects through it)
 * @param archiveMode         {@code archive_mode}
 * @param archiveCommand      {@code archive_command}
 * @param home                this database's directory under {@code autopilot.backup.directory}
 * @param osUser              OS user owning the cluster (pgBackRest, restores run as it when the service is root)
 * @param stanza              pgBackRest stanza
 * @param pgbackrestConfig    an operator-provided pgBackRest config file, if any
 * @param configureArchiving  whether the service may set {@code archive_command}
 * @param retentionFull       full backups to keep
 * @param retentionAgeDays    full-backup retention in days for pgBackRest's time-based retention, if configured
 * @param connector           opens a JDBC connection to the database
 * @param urlParams           the target URL's parameters (TLS settings reach the tools as {@code PG*} variables)
 * @param engine              the target's database engine (PostgreSQL, MySQL, MariaDB)
 */
public record BackupTarget(String databaseId, String host, int port, String database, Optional<String> user,
                           Optional<String> password, int serverVersionNum, String dataDirectory, String socketDirectory,
                           String archiveMode, String archiveCommand, Path home, Optional<String> osUser, String stanza,
                           Optional<String> pgbackrestConfig, boolean configureArchiving, int retentionFull,
                           Optional<Long> retentionAgeDays, Connector connector, Map<String, String> urlParams,
                           io.dbautopilot.model.Engine engine) {

    public BackupTarget {
        Map<String, String> copy = new HashMap<>();
        if (urlParams != null) {
            urlParams.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
        }
        urlParams = java.util.Collections.unmodifiableMap(copy);
        engine = engine == null ? io.dbautopilot.model.Engine.POSTGRESQL : engine;
    }

    /** {@code application_name} of the client tools' sessions (how leftovers of a killed instance are found). */
    public static final String TOOL_APPLICATION_NAME = "db-autopilot-automation backup-tool";

    /** Opens JDBC connections to the target. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** Major version of the server, e.g. 15. */
    public int serverMajor() {
        return serverVersionNum / 10000;
    }

    /** Environment for libpq tools: the password and the URL's TLS settings, never on a command line. */
    public Map<String, String> libpqEnv() {
        Map<String, String> env = new HashMap<>(LibpqSettings.environment(urlParams));
        password.ifPresent(p -> env.put("PGPASSWORD", p));
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGAPPNAME", TOOL_APPLICATION_NAME);
        return env;
    }

    /** Connection arguments for libpq tools. */
    public List<String> libpqArgs() {
        List<String> args = new java.util.ArrayList<>(List.of("-h", host, "-p", Integer.toString(port)));
        user.ifPresent(u -> {
            args.add("-U");
            args.add(u);
        });
        return args;
    }
}
