package io.dbautopilot.performance.benchmark;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * JDBC sessions of a MariaDB benchmark (MariaDB Connector/J): as the target's user with its resolved password (a
 * driver property, never in a URL or a log), {@code program_name=db-autopilot-benchmark}, a connect timeout, the
 * statement time limit {@code max_statement_time} and bounded lock waits.
 */
final class MariaDbSessions {

    private static final String[] SSL_MODES = {"disabled", "disable", "preferred", "trust", "required", "trust",
            "verify_ca", "verify-ca", "verify_identity", "verify-full"};

    private MariaDbSessions() {
    }

    /** A session (autocommit) on {@code database}; {@code localInfile} lets it send LOAD DATA LOCAL INFILE data. */
    static Connection connect(BenchmarkTarget target, String database, long statementTimeoutMs, boolean localInfile)
            throws SQLException {
        Properties props = new Properties();
        target.username().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("connectTimeout", "10000");
        props.setProperty("connectionAttributes", "program_name:" + BenchmarkTarget.APPLICATION_NAME);
        props.setProperty("allowLocalInfile", Boolean.toString(localInfile));
        props.setProperty("sslMode", sslMode(target));
        String jdbc = "jdbc:mariadb://" + target.url().hostPort() + "/" + databaseOf(target, database);
        Connection c = new org.mariadb.jdbc.Driver().connect(jdbc, props);
        if (c == null) {
            throw new SQLException("the MariaDB driver did not accept " + jdbc);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION max_statement_time = " + Math.max(0.001, statementTimeoutMs / 1000.0)
                    + ", lock_wait_timeout = 30, innodb_lock_wait_timeout = 10");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The driver's {@code sslMode} for the URL's {@code ssl-mode} (as the collector reads it); disabled when absent. */
    private static String sslMode(BenchmarkTarget target) {
        String mode = target.url().params().getOrDefault("ssl-mode", target.url().params().get("sslMode"));
        if (mode == null) {
            return "disable";
        }
        for (int i = 0; i < SSL_MODES.length; i += 2) {
            if (SSL_MODES[i].equals(mode.toLowerCase(Locale.ROOT))) {
                return SSL_MODES[i + 1];
            }
        }
        throw new IllegalArgumentException("ssl-mode must be one of disabled, preferred, required, verify_ca, "
                + "verify_identity");
    }

    /** The database a session may name: the target's own, or a scratch database (checked). */
    private static String databaseOf(BenchmarkTarget target, String database) {
        return database.equals(target.url().database())
                ? java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8)
                : ScratchDatabase.checked(database);
    }
}
