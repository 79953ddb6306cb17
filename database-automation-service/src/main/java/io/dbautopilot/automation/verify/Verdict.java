package io.dbautopilot.automation.verify;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the post-operation verification found: the outcome, why, and the measurements it compared.
 *
 * @param outcome  confirmed (the expected effect is there), regressed (worse, or the effect missing: rolled back) or
 *                 inconclusive (too little to measure: nothing is done)
 * @param summary  one sentence naming the numbers that decided it
 * @param measured before/after figures, published in the {@code verified} event
 */
public record Verdict(Outcome outcome, String summary, Map<String, Object> measured) {

    /** The three verdicts. */
    public enum Outcome {
        CONFIRMED, REGRESSED, INCONCLUSIVE;

        /** Lower-case wire name, e.g. {@code regressed}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Copies the measurements. */
    public Verdict {
        measured = measured == null ? Map.of() : new LinkedHashMap<>(measured);
    }

    /** An inconclusive verdict. */
    public static Verdict inconclusive(String summary, Map<String, Object> measured) {
        return new Verdict(Outcome.INCONCLUSIVE, summary, measured);
    }

    /** Whether a rollback follows. */
    public boolean regressed() {
        return outcome == Outcome.REGRESSED;
    }
}
