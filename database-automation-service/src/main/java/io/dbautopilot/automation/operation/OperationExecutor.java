package io.dbautopilot.automation.operation;

import io.dbautopilot.model.Engine;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Runs claimed operations of some types (maintenance, backups, migrations…) on targets of some database engines; the
 * engine picks the one bean whose {@link #types()} contains the operation's type and whose {@link #engines()} contains
 * its target's engine ({@code io.dbautopilot.automation.engine.Engines}), so capabilities plug in without the engine
 * knowing them.
 */
public interface OperationExecutor {

    /** The operation types this executor runs; no two executors may claim the same type for the same engine. */
    Set<OperationType> types();

    /** The database engines whose targets this executor serves (PostgreSQL unless it says otherwise). */
    default Set<Engine> engines() {
        return Set.of(Engine.POSTGRESQL);
    }

    /** Runs the operation once on a worker thread; never throws for target-side problems (they become the outcome). */
    Outcome execute(ExecutionContext ctx);

    /** The time budget of one attempt when it differs from {@code autopilot.operations.time-budget}. */
    default Optional<Duration> timeBudget(Operation op) {
        return Optional.empty();
    }
}
