package io.dbautopilot.automation.operation;

import java.util.Map;

/** How one execution attempt of an operation ended. */
public sealed interface Outcome {

    /** Done and the effect verified; {@code effect} holds the measured before/after. */
    record Succeeded(String summary, Map<String, Object> effect) implements Outcome {
    }

    /** Failed (error, timeout, or effect not verified); {@code effect} holds what was measured, may be empty. */
    record Failed(String error, Map<String, Object> effect) implements Outcome {
    }

    /** Not safe or not possible now (precondition, lock retries exhausted): try again later. */
    record Deferred(String reason, Map<String, Object> details) implements Outcome {
    }

    /** Stopped on an operator's request. */
    record Cancelled(String reason) implements Outcome {
    }
}
