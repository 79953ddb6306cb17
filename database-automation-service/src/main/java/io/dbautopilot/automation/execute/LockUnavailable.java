package io.dbautopilot.automation.execute;

import java.util.Map;

/** Lock retries of a {@link GuardedSession} statement ran out: the operation is deferred with this reason and details. */
public final class LockUnavailable extends RuntimeException {

    private final transient Map<String, Object> details;

    public LockUnavailable(String message, Map<String, Object> details) {
        super(message);
        this.details = details;
    }

    /** Cause, statement, lock timeout, attempts and lock holders. */
    public Map<String, Object> details() {
        return details;
    }
}
