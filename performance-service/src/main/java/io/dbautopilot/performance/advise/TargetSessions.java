package io.dbautopilot.performance.advise;

import io.dbautopilot.performance.collect.TargetConnections;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens the advisors' JDBC sessions on a target's databases: each takes one of the target's connections beside the
 * collector's pooled one (so collector and advisors together stay within {@code max-connections}) and carries the
 * target's {@code statement_timeout}, a short {@code lock_timeout} and its own {@code application_name}.
 */
@ApplicationScoped
public class TargetSessions {

    /** application_name of the advisors' sessions on targets. */
    public static final String APPLICATION_NAME = "db-autopilot-performance-advice";

    private final AdviceConfig config;

    public TargetSessions(AdviceConfig config) {
        this.config = config;
    }

    /** Work done with one session. */
    @FunctionalInterface
    public interface Work<T> {
        /** Runs with an open connection (autocommit on); the connection is closed afterwards. */
        T run(Connection connection) throws SQLException;
    }

    /** Thrown when no connection of the target came free within {@code autopilot.advice.connection-wait}. */
    public static final class NoConnectionException extends SQLException {
        NoConnectionException(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code work} in a session on {@code database} of the target. Blocking: call on a worker thread.
     *
     * @throws SQLException when the session cannot be opened or the work fails
     */
    public <T> T inDatabase(TargetRuntime target, String database, Work<T> work) throws SQLException {
        boolean taken;
        try {
            taken = target.takeConnection(config.connectionWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to " + target.id(), e);
        }
        if (!taken) {
            throw new NoConnectionException("all " + target.config().maxConnections() + " connections of target "
                    + target.id() + " (autopilot.targets." + target.id() + ".max-connections) stayed busy for "
                    + config.connectionWait().toSeconds() + " s");
        }
        try (Connection c = open(target, database)) {
            return work.run(c);
        } finally {
            target.returnConnection();
        }
    }

    private static Connection open(TargetRuntime target, String database) throws SQLException {
        PgConnectOptions options = TargetConnections.connectOptions("autopilot.targets." + target.id() + ".url",
                target.config().url()); // validated at start-up by the collector
        Properties props = new Properties();
        String user = target.config().username().orElse(options.getUser());
        String password = target.config().password().orElse(options.getPassword());
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        long timeoutMs = target.config().queryTimeout().toMillis();
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("options", "-c statement_timeout=" + timeoutMs + " -c lock_timeout=" + Math.min(timeoutMs, 1000)
                + " -c idle_in_transaction_session_timeout=" + Math.max(timeoutMs * 2, 10_000));
        int seconds = (int) Math.max(1, target.config().queryTimeout().toSeconds());
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds + 10));
        // no server-side prepared statements of the driver: the advisor PREPAREs and DEALLOCATEs its own
        props.setProperty("prepareThreshold", "0");
        String jdbc = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        return DriverManager.getConnection(jdbc, props);
    }
}
