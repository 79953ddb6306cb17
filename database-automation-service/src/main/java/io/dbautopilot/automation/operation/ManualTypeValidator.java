package io.dbautopilot.automation.operation;

import java.util.Map;
import java.util.Set;

/**
 * Validates a manual request ({@code POST /api/operations}) of a type whose object is not a relation of the catalog
 * (e.g. {@code tune}: a setting and its value), so a capability adds a manual type without the API knowing it.
 */
public interface ManualTypeValidator {

    /** The types this validator accepts by hand; no two validators may claim the same type. */
    Set<OperationType> types();

    /**
     * Checks the request against the target (throwing a 400 {@code ProblemException} naming the field that is wrong)
     * and returns the object and parameters the operation is created with.
     */
    Validated validate(OperationRequests.Manual request);

    /**
     * A validated manual request.
     *
     * @param object      the object as stored (e.g. the setting's name as {@code pg_settings} spells it)
     * @param parameters  the operation's parameters (e.g. {@code value})
     * @param defaultMode the mode when the request names none (e.g. {@code approval} for a tune)
     */
    record Validated(String object, Map<String, Object> parameters, String defaultMode) {
    }
}
