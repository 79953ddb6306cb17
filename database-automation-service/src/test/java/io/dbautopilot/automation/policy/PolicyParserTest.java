package io.dbautopilot.automation.policy;

import io.dbautopilot.automation.operation.OperationType;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Policy files: the built-in one is valid, and every kind of mistake is named with its rule and field. */
class PolicyParserTest {

    @Test
    void theBuiltInPolicyIsValid() {
        Policy policy = PolicyParser.parse(PolicyDecider.read(PolicyDecider.DEFAULT_POLICY), "default");
        assertEquals(12, policy.rules().size());
        PolicyRule idle = policy.rule("idle-in-transaction").orElseThrow();
        assertEquals(OperationType.TERMINATE_IDLE, idle.operation());
        assertEquals(Mode.AUTO, idle.mode());
        assertEquals(Duration.ofMinutes(10), idle.limit());
    }

    @Test
    void mistakesAreNamedWithRuleAndField() {
        assertError("rules:\n  - name: a\n    match: { rule: dead_tuples }\n    operation: vacuum\n    mode: sometimes\n",
                "policy t: rules[0] ('a'): field 'mode': unknown mode 'sometimes' (expected auto, window, approval, off)");
        assertError("rules:\n  - name: a\n    match: { rule: x }\n    operation: explode\n    mode: auto\n",
                "rules[0] ('a'): field 'operation': unknown operation 'explode'");
        assertError("rules:\n  - name: a\n    match: { rule: x, min_severity: bad }\n    operation: vacuum\n    mode: auto\n",
                "field 'match.min_severity': unknown severity 'bad'");
        assertError("rules:\n  - name: a\n    match: { }\n    operation: vacuum\n    mode: auto\n",
                "field 'match' needs 'rule' or 'action'");
        assertError("rules:\n  - name: a\n    match: { rule: x }\n    operation: terminate_idle\n    mode: auto\n",
                "field 'limit' is required for operation terminate_idle");
        assertError("rules:\n  - name: a\n    match: { rule: x }\n    operation: terminate_idle\n    mode: auto\n    limit: soon\n",
                "field 'limit': 'soon' is not a positive duration");
        assertError("rules:\n  - name: a\n    match: { rule: x }\n    operation: vacuum\n    mode: auto\n    colour: red\n",
                "unknown field 'colour'");
        assertError("rules:\n  - name: a\n    match: { rule: x }\n    operation: vacuum\n    mode: auto\n"
                + "  - name: a\n    match: { rule: y }\n    operation: analyze\n    mode: auto\n", "rules[1] ('a'): duplicate rule name");
        assertError("rules: []\n", "field 'rules' must be a non-empty list");
        assertError("nothing: here\n", "top-level field 'rules' (a list) is missing");
        assertError("rules: [ {", "not valid YAML");
    }

    private static void assertError(String yaml, String expected) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(yaml, "t"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
