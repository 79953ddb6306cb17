package io.dbautopilot.localstack;

/** Thrown when something the local infrastructure needs is not installed; the message says how to fix it. */
public class MissingPrerequisiteException extends RuntimeException {

    public MissingPrerequisiteException(String message) {
        super(message);
    }
}
