package io.dbautopilot.performance.collect;

/** The target lacks something a family needs (an extension, a privilege); reported as "unavailable", not an error. */
public class FamilyUnavailableException extends RuntimeException {

    public FamilyUnavailableException(String reason) {
        super(reason, null, false, false);
    }
}
