package io.dbautopilot.performance.operations;

/** A record on {@code autopilot.operations.v1} that can never be read (not a CloudEvent, wrong type, invalid data). */
public class MalformedOperationException extends RuntimeException {

    public MalformedOperationException(String message) {
        super(message);
    }
}
