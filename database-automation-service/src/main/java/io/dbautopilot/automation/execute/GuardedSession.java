package io.dbautopilot.automation.execute;

import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.support.retry.Retry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One operation's open session on its target (from {@link GuardedStatements#open}): runs each statement with the
 * database's {@code lock_timeout} and a {@code statement_timeout} capped by the remaining budget, retries a lock
 * timeout with the operation's back-off (a progress event naming the lock holders each time), then defers.
 */
public final class GuardedSession implements AutoCloseable {

    /** SQLSTATE of a {@code lock_timeout}: {@code lock_not_available}. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private final Connection connection;
    private final int pid;
    private final ExecutionContext ctx;
    private final ManagedDatabasesConfig.Database settings;
    private final OperationsConfig config;

    GuardedSession(Connection connection, int pid, ExecutionContext ctx, ManagedDatabasesConfig.Database settings,
                   OperationsConfig config) {
        this.connection = connection;
        this.pid = pid;
        this.ctx = ctx;
        this.settings = settings;
        this.config = config;
    }

    /** The session's connection (autocommit), for reading the catalog and measuring effects. */
    public Connection connection() {
        return connection;
    }

    /** The session's backend pid on the target. */
    public int pid() {
        return pid;
    }

    /** The managed database's settings. */
    public ManagedDatabasesConfig.Database settings() {
        return settings;
    }

    /**
     * Sets {@code lock_timeout} and {@code statement_timeout} (the database's, capped by the remaining budget) for
     * what runs next; {@link BudgetExhausted} when no budget is left for {@code what}.
     */
    private void limit(String what) throws SQLException {
        Duration remaining = ctx.remainingBudget();
        if (remaining.isNegative() || remaining.isZero()) {
            throw new BudgetExhausted("time budget of " + config.timeBudget() + " exhausted before: " + what);
        }
        long statementMs = Math.max(1, Math.min(settings.statementTimeout().toMillis(), remaining.toMillis()));
        try (Statement st = connection.createStatement()) {
            st.execute("SET lock_timeout = " + settings.lockTimeout().toMillis());
            st.execute("SET statement_timeout = " + statementMs);
        }
    }

    /**
     * Runs one statement under {@link #limit}; a lock timeout is retried ({@code autopilot.operations.lock-retries},
     * doubling from {@code lock-retry-backoff}) with a progress event each time, then thrown as {@link LockUnavailable}.
     *
     * @param lockedOid relation whose lock holders are named, or null
     * @param object    what the statement acts on, for the messages
     */
    public void run(String sql, Long lockedOid, String object) throws SQLException {
        long lockMs = settings.lockTimeout().toMillis();
        try {
            Retry.run(config.lockBackoff(), SQLException.class,
                    e -> e instanceof LockTimeout, ctx::stopRequested,
                    (e, retry, wait) -> ctx.progress("lock_timeout (" + lockMs + " ms) on " + object + ", attempt " + retry
                            + " of " + (config.lockRetries() + 1) + heldBy(((LockTimeout) e).holders) + "; retrying in "
                            + wait.toMillis() + " ms", ((LockTimeout) e).details),
                    attempt -> execute(sql, lockedOid, attempt));
        } catch (LockTimeout e) {
            if (ctx.stopRequested()) {
                throw e;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new BudgetExhausted("interrupted");
            }
            throw new LockUnavailable("lock_timeout (" + lockMs + " ms) on " + object + " " + e.attempt + " times in a row"
                    + heldBy(e.holders) + "; deferred", e.details);
        }
    }

    private Void execute(String sql, Long lockedOid, int attempt) throws SQLException {
        limit(sql);
        try (Statement st = connection.createStatement()) {
            ctx.executing(st);
            try {
                st.execute(sql);
                return null;
            } finally {
                ctx.executing(null);
            }
        } catch (SQLException e) {
            if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || ctx.stopRequested()) {
                throw e;
            }
            String holders = lockedOid == null ? "" : lockHolders(lockedOid);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("cause", "lock_timeout");
            details.put("statement", sql);
            details.put("lock_timeout_ms", settings.lockTimeout().toMillis());
            details.put("attempts", attempt);
            details.put("lock_holders", holders);
            throw new LockTimeout(e, attempt, holders, details);
        }
    }

    private static String heldBy(String holders) {
        return holders.isEmpty() ? "" : "; lock held by " + holders;
    }

    private String lockHolders(long oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT string_agg(DISTINCT 'pid ' || l.pid || ' (' || l.mode || ')', ', ')
                  FROM pg_locks l WHERE l.relation = ? AND l.granted AND l.pid <> pg_backend_pid()""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String s = rs.getString(1);
                return s == null ? "" : s;
            }
        }
    }

    /** The first column of the first row of {@code sql} with one bigint parameter; 0 when there is no row. */
    public long queryLong(String sql, long parameter) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The first column of the first row of a parameterless {@code sql}; 0 when there is no row. */
    public long queryLong(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** A lock timeout of one attempt, with what the progress event and the deferral report. */
    private static final class LockTimeout extends SQLException {
        final int attempt;
        final String holders;
        final transient Map<String, Object> details;

        LockTimeout(SQLException cause, int attempt, String holders, Map<String, Object> details) {
            super(cause.getMessage(), cause.getSQLState(), cause);
            this.attempt = attempt;
            this.holders = holders;
            this.details = details;
        }
    }
}
