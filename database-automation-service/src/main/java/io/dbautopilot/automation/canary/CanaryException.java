package io.dbautopilot.automation.canary;

/** A canary step that failed, with a message an operator can act on (never a secret). */
public class CanaryException extends RuntimeException {

    public CanaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
