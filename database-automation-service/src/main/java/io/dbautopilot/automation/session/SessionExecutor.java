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

import java.sql.Connection;
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
 * policy's limit (never this service's own), or terminates one named backend after re-checking it is still a client
 * backend; verified by the sessions being gone or no longer over the limit.
 */
@ApplicationScoped
public class SessionExecutor implements OperationExecutor {

    private static final Duration SETTLE_POLL = Duration.ofMillis(250);
    private static final int SETTLE_POLLS = 20;

    private final GuardedStatements guarded;
    private final CatalogObjects catalog;

    public SessionExecutor(GuardedStatements guarded, CatalogObjects catalog) {
        this.guarded = guarded;
        this.catalog = catalog;
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

    private static Outcome overLimit(GuardedSession s, ExecutionContext ctx, SessionSignal signal) throws SQLException {
        if (!(ctx.operation().parameters().get("limit_seconds") instanceof Number limitValue)) {
            return new Outcome.Failed("operation has no limit_seconds parameter", Map.of());
        }
        long limit = limitValue.longValue();
        Connection c = s.connection();
        List<Map<String, Object>> acted = signal.overLimit(c, limit);
        List<Integer> pids = new ArrayList<>();
        for (Map<String, Object> session : acted) {
            int pid = (Integer) session.get("pid");
            pids.add(pid);
            session.put(signal.signalledKey(), signal.signal(c, pid));
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
        if (!catalog.isClientBackend(c, pid)) {
            return new Outcome.Failed("pid " + pid + " is not a client backend of " + op.targetId() + " (any more)", Map.of());
        }
        boolean signalled = SessionSignal.TERMINATE_IDLE.signal(c, pid);
        long left = SessionSignal.TERMINATE_IDLE.stillOverLimit(c, List.of(pid), 0);
        return verified(left == 0, "pg_terminate_backend(" + pid + ")", Map.of("pid", pid, "terminated", signalled,
                "backend_gone", left == 0), "backend " + pid + " is still there");
    }
}
