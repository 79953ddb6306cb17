package io.dbautopilot.automation.execute;

/** The operation's time budget is used up before a {@link GuardedSession} statement could start: the attempt fails. */
public final class BudgetExhausted extends RuntimeException {

    public BudgetExhausted(String message) {
        super(message);
    }
}
