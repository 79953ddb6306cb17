package io.dbautopilot.localstack.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** A running PostgreSQL server used by tests and the local stack: a throwaway cluster or a container. */
public interface PostgresServer extends AutoCloseable {

    /** Host the server listens on (an IP address, never a Unix socket). */
    String host();

    /** TCP port the server listens on. */
    int port();

    /** Superuser name. */
    String user();

    /** Superuser password. */
    String password();

    /** Makes the server unreachable (stops it or pauses its container) without losing its data. */
    void stop();

    /** Makes a stopped server reachable again, on the same host and port. */
    void start();

    /** Whether the server currently accepts connections. */
    boolean running();

    @Override
    void close();

    /** JDBC URL for a database on this server. */
    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** libpq / Vert.x style URI (postgresql://host:port/db) for a database on this server. */
    default String uri(String database) {
        return "postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** Opens a JDBC connection as the superuser. */
    default Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user());
        props.setProperty("password", password());
        props.setProperty("ApplicationName", "dbautopilot-local-stack");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Runs statements (autocommit) in a database, e.g. to create conditions a test checks. */
    default void execute(String database, String... sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
        }
    }

    /** Creates a database (no-op if it exists); the name must be a plain lower-case identifier. */
    default void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + name);
        }
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
    }
}
