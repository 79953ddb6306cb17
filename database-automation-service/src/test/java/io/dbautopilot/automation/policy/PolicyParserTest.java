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
        assertEquals(OperationType.MEMORY_PURGE, policy.rule("redis-fragmentation").orElseThrow().operation());
        PolicyRule redisIdle = policy.rule("redis-idle-clients").orElseThrow();
        assertEquals(OperationType.TERMINATE_IDLE, redisIdle.operation());
        assertEquals(Mode.APPROVAL, redisIdle.mode());
        assertEquals(Duration.ofMinutes(30), redisIdle.limit());
        assertEquals(29, policy.rules().size());
        assertEquals(OperationType.VACUUM, policy.rule("sqlite-freelist").orElseThrow().operation());
        assertEquals(Mode.WINDOW, policy.rule("sqlite-freelist").orElseThrow().mode());
        assertEquals(OperationType.CHECKPOINT, policy.rule("sqlite-wal-large").orElseThrow().operation());
        assertEquals(OperationType.BACKUP, policy.rule("sqlite-backup-stale").orElseThrow().operation());
        PolicyRule fragmentation = policy.rule("mysql-table-fragmentation").orElseThrow();
        assertEquals(OperationType.OPTIMIZE, fragmentation.operation());
        assertEquals(Mode.WINDOW, fragmentation.mode());
        assertEquals(Mode.APPROVAL, policy.rule("mysql-runaway-query").orElseThrow().mode());
        PolicyRule migrations = policy.rule("migrations-pending").orElseThrow();
        assertEquals(OperationType.MIGRATE, migrations.operation());
        assertEquals(Mode.APPROVAL, migrations.mode());
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

    @Test
    void aBareOffIsOffAndOtherBooleansAreNamed() {
        Policy p = PolicyParser.parse("rules:\n  - name: a\n    match: { rule: dead_tuples }\n    operation: vacuum\n"
                + "    mode: off\n", "t");
        assertEquals(Mode.OFF, p.rules().get(0).mode());
        assertError("rules:\n  - name: a\n    match: { rule: dead_tuples }\n    operation: vacuum\n    mode: on\n",
                "policy t: rules[0] ('a'): field 'mode': unknown mode 'true' (expected auto, window, approval, off)");
    }

    @Test
    void recommendationRulesNameTheKindAloneAndActOnObjects() {
        Policy p = PolicyParser.parse("rules:\n  - name: mi\n    match: { recommendation: missing_index }\n"
                + "    operation: create_index\n    mode: approval\n", "t");
        assertEquals("missing_index", p.rule("mi").orElseThrow().recommendation());
        assertError("rules:\n  - name: mixed\n    match: { recommendation: missing_index, rule: dead_tuples }\n"
                + "    operation: create_index\n    mode: approval\n",
                "rules[0] ('mixed'): field 'match.recommendation' cannot be combined with 'rule', 'action' or 'min_severity'");
        assertError("rules:\n  - name: s\n    match: { recommendation: slow }\n    operation: cancel_query\n"
                + "    mode: approval\n    limit: 1m\n", "rules[0] ('s'): field 'operation': cancel_query acts on sessions");
        assertError("rules:\n  - name: ci\n    match: { rule: seq_scans }\n    operation: create_index\n    mode: auto\n",
                "rules[0] ('ci'): field 'operation': create_index needs the columns of a recommendation");
    }

    private static void assertError(String yaml, String expected) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(yaml, "t"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
