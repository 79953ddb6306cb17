package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.automation.execute.BudgetExhausted;
import io.dbautopilot.automation.execute.LockUnavailable;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way MySQL / MariaDB executors reach a target, as {@code GuardedStatements} is for PostgreSQL: a session
 * whose connection id is recorded as the operation's backend (a cancel or a lost lease reaches it), sessions an
 * interrupted earlier attempt left running killed, every statement limited by the lock timeout and a statement time
 * limit capped by the remaining budget, lock wait timeouts (error 1205) retried with the operation's back-off and
 * then deferred.
 */
@ApplicationScoped
public class MySqlGuardedStatements {

    private static final Logger LOG = Logger.getLogger(MySqlGuardedStatements.class);

    /** MySQL / MariaDB error code of a lock wait timeout ({@code ER_LOCK_WAIT_TIMEOUT}). */
    public static final int LOCK_WAIT_TIMEOUT = 1205;
    /** Error codes of a statement stopped by its time limit (MariaDB 1969, MySQL 3024). */
    private static final List<Integer> TIMED_OUT = List.of(1969, 3024);
    /** Error code of a statement interrupted by {@code KILL QUERY} ({@code ER_QUERY_INTERRUPTED}). */
    private static final int QUERY_INTERRUPTED = 1317;

    /** Work on the target in an open session; target-side problems are thrown and become the outcome. */
    @FunctionalInterface
    public interface Work {
        Outcome run(Session session) throws SQLException;
    }

    private final ManagedDatabases databases;
    private final OperationsConfig config;

    public MySqlGuardedStatements(ManagedDatabases databases, OperationsConfig config) {
        this.databases = databases;
        this.config = config;
    }

    /** Runs {@code work} in a session of the operation; never throws for target-side problems. */
    public Outcome execute(ExecutionContext ctx, Work work) {
        Operation op = ctx.operation();
        if (!databases.exists(op.targetId())) {
            return new Outcome.Failed("database '" + op.targetId() + "' is not managed ("
                    + databases.notManaged(op.targetId()).orElse("unknown target") + ")", Map.of());
        }
        try (Session session = open(ctx)) {
            return work.run(session);
        } catch (LockUnavailable e) {
            return new Outcome.Deferred(e.getMessage(), e.details());
        } catch (SQLException e) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while running: " + e.getMessage());
            }
            if (TIMED_OUT.contains(e.getErrorCode())) {
                return new Outcome.Failed("statement time limit (capped by the time budget of " + config.timeBudget()
                        + "): " + e.getMessage(), Map.of());
            }
            return new Outcome.Failed("error " + e.getErrorCode() + " (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage(), Map.of());
        } catch (BudgetExhausted e) {
            return new Outcome.Failed(e.getMessage(), Map.of());
        }
    }

    private Session open(ExecutionContext ctx) throws SQLException {
        Operation op = ctx.operation();
        Connection c = databases.connect(op.targetId(), "op:" + op.id());
        try {
            int id;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                id = rs.getInt(1);
            }
            ctx.backendStarted(id);
            killEarlierSessions(c, op, id);
            return new Session(c, id, ctx, databases.settings(op.targetId()), config);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Kills the sessions of an interrupted earlier attempt of the operation (connection attribute
     * {@code autopilot_purpose = op=<id>}); needs {@code performance_schema}, without it there is nothing to read.
     */
    private static void killEarlierSessions(Connection c, Operation op, int own) throws SQLException {
        List<Long> earlier = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.PROCESSLIST_ID FROM performance_schema.session_connect_attrs a
                  JOIN performance_schema.threads t ON t.PROCESSLIST_ID = a.PROCESSLIST_ID
                 WHERE a.ATTR_NAME = ? AND a.ATTR_VALUE = ? AND a.PROCESSLIST_ID <> ?""")) {
            ps.setString(1, MySqlConnections.PURPOSE_ATTRIBUTE);
            ps.setString(2, "op=" + op.id());
            ps.setLong(3, own);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    earlier.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            LOG.debugf("Operation %s: performance_schema not readable, earlier sessions not looked for: %s", op.id(),
                    e.getMessage());
            return;
        }
        for (long id : earlier) {
            try (Statement st = c.createStatement()) {
                st.execute("KILL " + id);
                LOG.warnf("Operation %s: killed session %d left by an earlier attempt", op.id(), id);
            } catch (SQLException gone) {
                // ended meanwhile
            }
        }
    }

    /**
     * Cancels the statement of a running operation's recorded session ({@code KILL QUERY}), only while that
     * connection id still carries the operation's purpose attribute; false when it is gone.
     */
    public boolean cancelBackend(Operation op) throws SQLException {
        try (Connection c = databases.connect(op.targetId(), "api");
             PreparedStatement ps = c.prepareStatement("""
                     SELECT 1 FROM performance_schema.session_connect_attrs
                      WHERE PROCESSLIST_ID = ? AND ATTR_NAME = ? AND ATTR_VALUE = ?""")) {
            ps.setLong(1, op.backendPid());
            ps.setString(2, MySqlConnections.PURPOSE_ATTRIBUTE);
            ps.setString(3, "op=" + op.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("KILL QUERY " + op.backendPid().longValue());
                return true;
            }
        }
    }

    /** One operation's open session on a MySQL / MariaDB target. */
    public static final class Session implements AutoCloseable {
        private final Connection connection;
        private final int id;
        private final ExecutionContext ctx;
        private final ManagedDatabasesConfig.Database settings;
        private final OperationsConfig config;

        Session(Connection connection, int id, ExecutionContext ctx, ManagedDatabasesConfig.Database settings,
                OperationsConfig config) {
            this.connection = connection;
            this.id = id;
            this.ctx = ctx;
            this.settings = settings;
            this.config = config;
        }

        /** The session's connection (autocommit). */
        public Connection connection() {
            return connection;
        }

        /** The session's connection id on the target. */
        public int id() {
            return id;
        }

        /** The managed database's settings. */
        public ManagedDatabasesConfig.Database settings() {
            return settings;
        }

        /**
         * Runs a statement under the lock timeout and the budget-capped time limit and returns its result rows
         * (column label to value); a lock wait timeout is retried with a progress event each time, then deferred.
         */
        public List<Map<String, Object>> run(String sql, String object) throws SQLException {
            long lockMs = settings.lockTimeout().toMillis();
            try {
                return Retry.run(config.lockBackoff(), SQLException.class,
                        e -> e.getErrorCode() == LOCK_WAIT_TIMEOUT && !ctx.stopRequested(), ctx::stopRequested,
                        (e, retry, wait) -> ctx.progress("lock wait timeout on " + object + ", attempt " + retry + " of "
                                + (config.lockRetries() + 1) + "; retrying in " + wait.toMillis() + " ms",
                                Map.of("cause", "lock_wait_timeout", "statement", sql)),
                        attempt -> execute(sql));
            } catch (SQLException e) {
                if (e.getErrorCode() != LOCK_WAIT_TIMEOUT || ctx.stopRequested()) {
                    throw e;
                }
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("cause", "lock_wait_timeout");
                details.put("statement", sql);
                details.put("lock_timeout_ms", lockMs);
                throw new LockUnavailable("lock wait timeout on " + object + " " + (config.lockRetries() + 1)
                        + " times in a row; deferred", details);
            }
        }

        private List<Map<String, Object>> execute(String sql) throws SQLException {
            Duration remaining = ctx.remainingBudget();
            if (remaining.isNegative() || remaining.isZero()) {
                throw new BudgetExhausted("time budget of " + config.timeBudget() + " exhausted before: " + sql);
            }
            MySqlConnections.limit(connection, Math.max(1, Math.min(settings.statementTimeout().toMillis(),
                    remaining.toMillis())), settings.lockTimeout().toMillis());
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Statement st = connection.createStatement()) {
                ctx.executing(st);
                try {
                    boolean results = st.execute(sql);
                    while (results) {
                        try (ResultSet rs = st.getResultSet()) {
                            int n = rs.getMetaData().getColumnCount();
                            while (rs.next()) {
                                Map<String, Object> row = new LinkedHashMap<>();
                                for (int i = 1; i <= n; i++) {
                                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                                }
                                rows.add(row);
                            }
                        }
                        results = st.getMoreResults();
                    }
                } finally {
                    ctx.executing(null);
                }
            }
            raiseTableMaintenanceError(rows);
            return rows;
        }

        /**
         * Table maintenance statements ({@code OPTIMIZE TABLE}, {@code ANALYZE TABLE}) report a lock wait timeout and
         * an interruption as result rows ({@code Msg_type = error}, then {@code status: Operation failed}) and
         * succeed as statements (checked on MariaDB 10.11): raised here with the error code the statement itself
         * would have, so a lock wait is retried and deferred and a time limit reported as such, as for any statement.
         */
        private void raiseTableMaintenanceError(List<Map<String, Object>> rows) throws SQLException {
            for (Map<String, Object> row : rows) {
                if (!"error".equalsIgnoreCase(String.valueOf(row.get("Msg_type")))) {
                    continue;
                }
                String text = String.valueOf(row.get("Msg_text"));
                if (text.startsWith("Lock wait timeout exceeded")) {
                    throw new SQLException(text, "HY000", LOCK_WAIT_TIMEOUT);
                }
                if (text.startsWith("Query execution was interrupted")) {
                    // a cancel (KILL QUERY) reads the same: execute() reports it as cancelled when one was requested
                    throw new SQLException(ctx.stopRequested() ? text : text + " (max_statement_time)", "70100",
                            ctx.stopRequested() ? QUERY_INTERRUPTED : TIMED_OUT.get(0));
                }
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
