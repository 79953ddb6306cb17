package io.dbautopilot.automation.execute;

import io.dbautopilot.automation.operation.Outcome;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a measured effect into the outcome every executor family reports: succeeded when verified, failed otherwise. */
public final class Effects {

    private Effects() {
    }

    /**
     * The outcome of {@code statement}: its measured before/after plus {@code statement} and {@code verified};
     * {@code otherwise} says what was not as expected.
     */
    public static Outcome verified(boolean ok, String statement, Map<String, Object> measured, String otherwise) {
        Map<String, Object> effect = new LinkedHashMap<>(measured);
        effect.put("statement", statement);
        effect.put("verified", ok);
        return ok ? new Outcome.Succeeded(statement + ": effect verified", effect)
                : new Outcome.Failed("effect not verified: " + otherwise, effect);
    }
}
