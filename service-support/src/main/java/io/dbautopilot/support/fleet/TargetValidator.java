package io.dbautopilot.support.fleet;

import io.dbautopilot.model.TargetDefinition;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Checks a target definition field by field: id pattern, engine, URL (parsed by {@code DatabaseUrl}, no credentials,
 * its scheme agreeing with the engine), credentials_ref syntax and that it resolves here, durations, windows (cron +
 * duration) and time zone, policy modes, numeric bounds. Returns every problem, each naming its field.
 */
@ApplicationScoped
public class TargetValidator {

    /** Every problem of the definition; empty when it is valid. */
    public List<FieldError> validate(TargetDefinition definition) {
        throw new UnsupportedOperationException("TargetValidator: implemented on branch registry");
    }
}
