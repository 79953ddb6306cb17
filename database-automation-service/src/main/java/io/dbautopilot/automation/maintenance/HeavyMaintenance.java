package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;

/**
 * The envelope of the vacuum/analyze and index families: a guarded session, the preconditions that make heavy work
 * unsafe checked first (a deferral names the one that failed), and PostgreSQL's progress views watched while it runs.
 */
@ApplicationScoped
public class HeavyMaintenance {

    private final GuardedStatements guarded;
    private final Preconditions preconditions;
    private final MaintenanceProgress progress;

    public HeavyMaintenance(GuardedStatements guarded, Preconditions preconditions, MaintenanceProgress progress) {
        this.guarded = guarded;
        this.preconditions = preconditions;
        this.progress = progress;
    }

    /** Runs {@code work} once; {@code watched}: PostgreSQL reports progress for its statement (pg_stat_progress_*). */
    public Outcome execute(ExecutionContext ctx, boolean watched, GuardedStatements.Work work) {
        Operation op = ctx.operation();
        return guarded.execute(ctx, session -> {
            if (op.heavy()) {
                Optional<String> unsafe = preconditions.check(session.connection(), session.settings());
                if (unsafe.isPresent()) {
                    return new Outcome.Deferred(unsafe.get(), Map.of("cause", "precondition"));
                }
            }
            try (MaintenanceProgress.Watch watch = watched ? progress.watch(ctx, op.targetId(), session.pid()) : null) {
                return work.run(session);
            }
        });
    }
}
