package io.dbautopilot.automation.operation;

import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/** What an executor may do while running one claimed operation: report its backend and progress, see cancels and its budget. */
public interface ExecutionContext {

    /** The claimed operation. */
    Operation operation();

    /** Records the target backend pid executing the operation (a cancel via the API reaches it). */
    void backendStarted(int pid);

    /** Publishes a progress event (e.g. a retry after {@code lock_timeout}). */
    void progress(String reason, Map<String, Object> details);

    /** Whether an operator asked to cancel the operation or the lease was lost. */
    boolean stopRequested();

    /** Time left of the operation's budget. */
    Duration remainingBudget();

    /** The statement currently executing, so a lost lease can cancel it; null when none. */
    void executing(Statement statement);
}
