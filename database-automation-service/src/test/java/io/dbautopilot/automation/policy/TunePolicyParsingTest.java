package io.dbautopilot.automation.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tune is requested by an operator and tune_revert by the verification: a policy rule asking for either is refused. */
class TunePolicyParsingTest {

    @Test
    void aPolicyCannotStartATuneOrARevert() {
        PolicyException tune = assertThrows(PolicyException.class, () -> PolicyParser.parse("""
                rules:
                  - name: tune-work-mem
                    match: { recommendation: config }
                    operation: tune
                    mode: auto
                """, "test.yaml"));
        assertTrue(tune.getMessage().contains("rules[0] ('tune-work-mem'): field 'operation': tune is never started by "
                + "a policy"), tune.getMessage());
        assertTrue(tune.getMessage().contains("POST /api/operations"), tune.getMessage());
        PolicyException revert = assertThrows(PolicyException.class, () -> PolicyParser.parse("""
                rules:
                  - name: revert
                    match: { rule: temp_spill }
                    operation: tune_revert
                    mode: auto
                """, "test.yaml"));
        assertTrue(revert.getMessage().contains("tune_revert is never started by a policy"), revert.getMessage());
    }
}
