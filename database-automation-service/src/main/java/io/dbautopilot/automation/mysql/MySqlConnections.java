package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.support.url.DatabaseUrl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * JDBC sessions to MySQL / MariaDB targets (MariaDB Connector/J, blocking, for the executors' worker threads): the
 * password as a driver property (never in the URL or a log), connection attributes {@code program_name} and
 * {@code autopilot_purpose} (e.g. {@code op=<id>}), and every session limited by the database's statement timeout
 * ({@code max_statement_time} on MariaDB, {@code max_execution_time} on MySQL) and lock timeout
 * ({@code lock_wait_timeout}, {@code innodb_lock_wait_timeout}, whole seconds, at least 1).
 */
public final class MySqlConnections {

    /** Connection attribute naming what a session of this service is for ({@code op=<id>}, {@code status}, ...). */
    public static final String PURPOSE_ATTRIBUTE = "autopilot_purpose";

    private static final Map<String, String> SSL_MODES = Map.of("disabled", "disable", "preferred", "trust",
            "required", "trust", "verify_ca", "verify-ca", "verify_identity", "verify-full");
    private static final Set<String> PARAMETERS = Set.of("ssl-mode");

    private MySqlConnections() {
    }

    /** Whether a URL names MySQL or MariaDB. */
    public static boolean isMySqlFamily(DatabaseUrl url) {
        return "mysql".equals(url.engine()) || "mariadb".equals(url.engine());
    }

    /**
     * The Connector/J URL of a {@code mysql://} or {@code mariadb://} URL; parameter {@code ssl-mode}
     * ({@code disabled | preferred | required | verify_ca | verify_identity}) is the only one accepted.
     *
     * @throws IllegalArgumentException naming {@code setting} and the parameter
     */
    public static String jdbcUrl(String setting, DatabaseUrl url) {
        for (String p : url.params().keySet()) {
            if (!PARAMETERS.contains(p)) {
                throw new IllegalArgumentException(setting + ": parameter '" + p + "' is not supported for "
                        + url.engine() + " (only ssl-mode)");
            }
        }
        String mode = url.params().getOrDefault("ssl-mode", "disabled").toLowerCase(Locale.ROOT);
        String sslMode = SSL_MODES.get(mode);
        if (sslMode == null) {
            throw new IllegalArgumentException(setting + ": ssl-mode '" + mode + "' is not one of disabled, preferred, "
                    + "required, verify_ca, verify_identity");
        }
        if (url.database() == null || url.database().isBlank()) {
            throw new IllegalArgumentException(setting + ": the URL names no database (" + url.engine()
                    + "://host:3306/database)");
        }
        return "jdbc:mariadb://" + url.hostPort() + "/" + URLEncoder.encode(url.database(), StandardCharsets.UTF_8)
                + "?sslMode=" + sslMode;
    }

    /**
     * Opens a session (autocommit) as the database's user, with the database's timeouts; {@code purpose} is the
     * {@link #PURPOSE_ATTRIBUTE} ({@code :} and {@code ,} become {@code =} and {@code ;}, the driver's separators).
     */
    public static Connection connect(String id, String jdbcUrl, ManagedDatabasesConfig.Database db, String purpose)
            throws SQLException {
        Properties props = new Properties();
        db.username().ifPresent(u -> props.setProperty("user", u));
        try {
            db.password().ifPresent(p -> props.setProperty("password", p));
        } catch (RuntimeException e) {
            throw new SQLException("credentials of '" + id + "': " + e.getMessage(), "28000");
        }
        props.setProperty("connectTimeout", "5000");
        props.setProperty("connectionAttributes", "program_name:db-autopilot-automation," + PURPOSE_ATTRIBUTE + ":"
                + purpose.replace("db-autopilot-automation", "").trim().replace(':', '=').replace(',', ';'));
        Connection c = new org.mariadb.jdbc.Driver().connect(jdbcUrl, props);
        if (c == null) {
            throw new SQLException("the MariaDB driver did not accept the URL of '" + id + "'", "08001");
        }
        try {
            limit(c, db.statementTimeout().toMillis(), db.lockTimeout().toMillis());
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Whether the session's server is MariaDB (else MySQL). */
    public static boolean isMariaDb(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductVersion().contains("MariaDB")
                || c.getMetaData().getDatabaseProductName().contains("MariaDB");
    }

    /**
     * Sets the session's statement time limit ({@code statementMs}, 0 = none) and lock waits ({@code lockMs},
     * rounded up to whole seconds, at least 1).
     */
    public static void limit(Connection c, long statementMs, long lockMs) throws SQLException {
        long lockSeconds = Math.max(1, (lockMs + 999) / 1000);
        String statementLimit = isMariaDb(c)
                ? "max_statement_time = " + String.format(Locale.ROOT, "%.3f", Math.max(0, statementMs) / 1000.0)
                : "max_execution_time = " + Math.max(0, statementMs);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION " + statementLimit + ", lock_wait_timeout = " + lockSeconds
                    + ", innodb_lock_wait_timeout = " + lockSeconds);
        }
    }
}
