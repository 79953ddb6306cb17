package io.dbautopilot.automation.execute;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The one way executors reach a target: a session carrying the operation's {@code application_name}, its backend pid
 * recorded and the backends an interrupted earlier attempt left running stopped; its statements run guarded by
 * {@link GuardedSession} ({@code lock_timeout}, a budget-capped {@code statement_timeout}, lock retries).
 */
@ApplicationScoped
public class GuardedStatements {

    private static final Logger LOG = Logger.getLogger(GuardedStatements.class);

    /** Work on the target in an open session; target-side problems are thrown and become the outcome. */
    @FunctionalInterface
    public interface Work {
        Outcome run(GuardedSession session) throws SQLException;
    }

    private final ManagedDatabases databases;
    private final OperationsConfig config;

    public GuardedStatements(ManagedDatabases databases, OperationsConfig config) {
        this.databases = databases;
        this.config = config;
    }

    /**
     * Runs {@code work} in a session of the operation; never throws for target-side problems: an unconfigured
     * database, an SQL error, a statement timeout, spent lock retries (deferred) and a used-up budget become the outcome.
     */
    public Outcome execute(ExecutionContext ctx, Work work) {
        Operation op = ctx.operation();
        if (!databases.exists(op.targetId())) {
            return new Outcome.Failed("database '" + op.targetId() + "' is not managed ("
                    + databases.notManaged(op.targetId()).orElse("unknown target") + ")", Map.of());
        }
        try (GuardedSession session = open(ctx)) {
            return work.run(session);
        } catch (LockUnavailable e) {
            return new Outcome.Deferred(e.getMessage(), e.details());
        } catch (SQLException e) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while running: " + e.getMessage());
            }
            if ("57014".equals(e.getSQLState())) {
                return new Outcome.Failed("statement_timeout (capped by the time budget of "
                        + config.timeBudget() + "): " + e.getMessage(), Map.of());
            }
            return new Outcome.Failed("SQLSTATE " + e.getSQLState() + ": " + e.getMessage(), Map.of());
        } catch (BudgetExhausted e) {
            return new Outcome.Failed(e.getMessage(), Map.of());
        }
    }

    /**
     * Opens the operation's session ({@code application_name} ends in {@code op:<id>}), records its backend pid and
     * terminates any other backend with that name: an interrupted earlier attempt may still be running its statement.
     */
    public GuardedSession open(ExecutionContext ctx) throws SQLException {
        Operation op = ctx.operation();
        Connection c = databases.connect(op.targetId(), "op:" + op.id());
        try {
            int pid;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                pid = rs.getInt(1);
            }
            ctx.backendStarted(pid);
            stopEarlierBackends(c, op);
            return new GuardedSession(c, pid, ctx, databases.settings(op.targetId()), config);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void stopEarlierBackends(Connection c, Operation op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                 WHERE application_name = ? AND pid <> pg_backend_pid()""")) {
            ps.setString(1, op.applicationName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LOG.warnf("Operation %s: terminated backend %d left by an earlier attempt", op.id(), rs.getInt(1));
                }
            }
        }
    }

    /**
     * Cancels the statement of a running operation's recorded backend ({@code pg_cancel_backend}), only while that pid
     * still carries the operation's {@code application_name}; false when the backend is gone.
     */
    public boolean cancelBackend(Operation op) throws SQLException {
        try (Connection c = databases.connect(op.targetId(), "api");
             PreparedStatement ps = c.prepareStatement("""
                     SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = ? AND application_name = ?""")) {
            ps.setInt(1, op.backendPid());
            ps.setString(2, op.applicationName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
