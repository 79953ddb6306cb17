package io.dbautopilot.support.events;

/** A consumed record that can never be processed (not a CloudEvent, wrong type, invalid data): it goes to the DLQ. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }
}
