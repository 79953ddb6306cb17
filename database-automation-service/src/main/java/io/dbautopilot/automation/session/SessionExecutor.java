package io.dbautopilot.automation.session;

import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;

import io.dbautopilot.automation.state.StateTransactions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * Guarded self-healing on sessions: terminates sessions idle in transaction or cancels queries running beyond the
 * policy's limit (never the backends this service's running operations own, by recorded pid), or terminates one named
 * backend after re-checking it is still the session the decision was about (backend_start, usename, datname); every
 * signal re-checks that identity; verified by the sessions being gone or no longer over the limit.
 */
@ApplicationScoped
public class SessionExecutor implements OperationExecutor {

    private static final Duration SETTLE_POLL = Duration.ofMillis(250);
    private static final int SETTLE_POLLS = 20;

    /** Target backends of this service's running operations on a database (recorded by GuardedStatements). */
    private static final String OWN_PIDS = """
            SELECT backend_pid FROM automation.operation
             WHERE target_id = ? AND status = 'running' AND backend_pid IS NOT NULL""";

    private final GuardedStatements guarded;
    private final CatalogObjects catalog;
    private final StateTransactions state;

    public SessionExecutor(GuardedStatements guarded, CatalogObjects catalog, StateTransactions state) {
        this.guarded = guarded;
        this.catalog = catalog;
        this.state = state;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.TERMINATE_IDLE, OperationType.CANCEL_QUERY, OperationType.TERMINATE);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        return guarded.execute(ctx, s -> op.type() == OperationType.TERMINATE ? terminate(s, op)
                : overLimit(s, ctx, op.type() == OperationType.TERMINATE_IDLE ? SessionSignal.TERMINATE_IDLE
                : SessionSignal.CANCEL_RUNNING));
    }

    private List<Integer> ownPids(String targetId) {
        return state.inTransaction(tx -> {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement ps = tx.prepareStatement(OWN_PIDS)) {
                ps.setString(1, targetId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pids.add(rs.getInt(1));
                    }
                }
            }
            return pids;
        });
    }

    private Outcome overLimit(GuardedSession s, ExecutionContext ctx, SessionSignal signal) throws SQLException {
        if (!(ctx.operation().parameters().get("limit_seconds") instanceof Number limitValue)) {
            return new Outcome.Failed("operation has no limit_seconds parameter", Map.of());
        }
        long limit = limitValue.longValue();
        Connection c = s.connection();
        List<Map<String, Object>> acted = signal.overLimit(c, limit, ownPids(ctx.operation().targetId()));
        List<Integer> pids = new ArrayList<>();
        for (Map<String, Object> session : acted) {
            int pid = (Integer) session.get("pid");
            pids.add(pid);
            session.put(signal.signalledKey(), signal.signal(c, pid, session));
        }
        long remaining = signal.stillOverLimit(c, pids, limit);
        for (int i = 1; i < SETTLE_POLLS && remaining > 0 && Retry.sleep(SETTLE_POLL, ctx::stopRequested); i++) {
            remaining = signal.stillOverLimit(c, pids, limit);
        }
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("limit_seconds", limit);
        effect.put("sessions", acted);
        effect.put("sessions_still_over_limit", remaining);
        return verified(remaining == 0, signal.describe(limitValue), effect,
                remaining + " session(s) are still over the limit");
    }

    private Outcome terminate(GuardedSession s, Operation op) throws SQLException {
        int pid;
        try {
            pid = Integer.parseInt(op.object());
        } catch (NumberFormatException | NullPointerException e) {
            return new Outcome.Failed("object '" + op.object() + "' is not a backend pid", Map.of());
        }
        Connection c = s.connection();
        Map<String, Object> recorded = new LinkedHashMap<>();
        for (String key : List.of(CatalogObjects.BACKEND_START, CatalogObjects.USENAME, CatalogObjects.DATNAME)) {
            if (!(op.parameters().get(key) instanceof String value)) {
                return new Outcome.Failed("operation records no " + key + " of pid " + pid
                        + ": cannot tell it is still the same session, not terminated", Map.of());
            }
            recorded.put(key, value);
        }
        Map<String, Object> now = catalog.clientBackend(c, pid).orElse(null);
        if (now == null) {
            return new Outcome.Failed("pid " + pid + " is not a client backend of " + op.targetId() + " (any more)", Map.of());
        }
        if (!recorded.equals(now)) {
            return new Outcome.Failed("session changed: pid " + pid + " is now " + now + ", the decision was about "
                    + recorded + "; not terminated", Map.of("pid", pid, "recorded", recorded, "current", now));
        }
        boolean signalled = SessionSignal.TERMINATE_IDLE.signal(c, pid, recorded);
        long left = SessionSignal.TERMINATE_IDLE.stillOverLimit(c, List.of(pid), 0);
        return verified(left == 0, "pg_terminate_backend(" + pid + ")", Map.of("pid", pid, "terminated", signalled,
                "backend_gone", left == 0), "backend " + pid + " is still there");
    }
}
