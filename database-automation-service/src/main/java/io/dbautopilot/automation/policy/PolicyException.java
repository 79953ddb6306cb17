package io.dbautopilot.automation.policy;

/** The policy file or a policy override is invalid; the message names the file, rule and field. */
public class PolicyException extends RuntimeException {

    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
