package io.dbautopilot.performance.benchmark;

import io.dbautopilot.support.url.DatabaseUrl;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where and as whom a benchmark connects: the target's URL and user and its resolved password (never logged: {@link
 * #toString()} hides it); JDBC connections for the scratch database's DDL and COPY, the environment for pgbench.
 *
 * @param id       target id
 * @param url      the target's URL (its database is where the scratch database is created from)
 * @param username user to connect as, if any
 * @param password the resolved password, if any
 */
public record BenchmarkTarget(String id, DatabaseUrl url, Optional<String> username, Optional<String> password) {

    /** {@code application_name} of every benchmark session, so operators see what it is. */
    public static final String APPLICATION_NAME = "db-autopilot-benchmark";

    /** A JDBC connection (autocommit) to {@code database} on the target, with a connect timeout and statement timeout. */
    public Connection connect(String database, long statementTimeoutMs) throws SQLException {
        Properties props = new Properties();
        username.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("connectTimeout", "10");
        url.params().forEach((k, v) -> {
            if (k.equals("sslmode") || k.equals("sslrootcert")) {
                props.setProperty(k, v);
            }
        });
        String jdbc = "jdbc:postgresql://" + url.hostPort() + "/" + java.net.URLEncoder.encode(database,
                java.nio.charset.StandardCharsets.UTF_8);
        Connection c = new org.postgresql.Driver().connect(jdbc, props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver did not accept " + jdbc);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = " + Math.max(0, statementTimeoutMs));
        }
        return c;
    }

    /** The environment pgbench runs with: the password only here (PGPASSWORD), never on its command line. */
    public Map<String, String> pgbenchEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        password.ifPresent(p -> env.put("PGPASSWORD", p));
        env.put("PGAPPNAME", APPLICATION_NAME);
        env.put("PGCONNECT_TIMEOUT", "10");
        Optional.ofNullable(url.params().get("sslmode")).ifPresent(m -> env.put("PGSSLMODE", m));
        Optional.ofNullable(url.params().get("sslrootcert")).ifPresent(m -> env.put("PGSSLROOTCERT", m));
        return env;
    }

    @Override
    public String toString() {
        return "BenchmarkTarget[" + id + " " + url + ", password " + (password.isPresent() ? "set" : "none") + "]";
    }
}
