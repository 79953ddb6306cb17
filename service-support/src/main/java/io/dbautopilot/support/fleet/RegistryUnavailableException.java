package io.dbautopilot.support.fleet;

/** The registry could not be written or read back in time (Kafka unreachable or slow); an API answers 503. */
public class RegistryUnavailableException extends RuntimeException {

    /** With what failed and why. */
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With what failed. */
    public RegistryUnavailableException(String message) {
        super(message);
    }
}
