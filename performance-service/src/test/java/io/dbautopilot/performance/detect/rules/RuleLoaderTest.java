package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.Severity;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules loader: the shipped file is valid and complete; each kind of bad file fails naming rule and field. */
class RuleLoaderTest {

    private final RuleLoader loader = new RuleLoader(new MetricCatalog());

    static String shipped() throws Exception {
        try (InputStream in = RuleLoaderTest.class.getClassLoader().getResourceAsStream("rules/default-rules.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shippedRulesAreValidAndCoverWhatTheAutomationPolicyMatchesOn() throws Exception {
        RuleSet set = loader.parse("default-rules.yaml", shipped());
        assertTrue(set.rules().size() >= 30, "at least 30 rules, got " + set.rules().size());
        Map<String, String> actions = set.rules().stream().collect(Collectors.toMap(Rule::name, Rule::action));
        Map<String, String> expected = Map.ofEntries(
                Map.entry("idle_in_transaction", "terminate_idle"), Map.entry("long_running_query", "cancel_query"),
                Map.entry("dead_tuples", "vacuum"), Map.entry("table_not_analyzed", "analyze"),
                Map.entry("table_bloat", "vacuum"), Map.entry("index_bloat", "reindex"),
                Map.entry("xid_age", "vacuum"), Map.entry("mxid_age", "vacuum"),
                Map.entry("invalid_index", "drop_index"), Map.entry("unused_index", "drop_index"));
        expected.forEach((rule, action) -> assertEquals(action, actions.get(rule), rule));
        for (String rule : List.of("target_down", "target_restarted", "connections_near_max", "cache_hit_ratio_low",
                "rollback_ratio_high", "deadlocks", "lock_waits", "blocked_sessions", "long_transaction",
                "replication_lag", "replication_slot_inactive", "archiver_failing", "checkpoints_requested",
                "duplicate_index", "slow_statements", "temp_file_spill", "sequence_exhaustion", "host_cpu_high",
                "host_iowait_high", "host_memory_low", "host_swap_high", "host_disk_full")) {
            assertTrue(actions.containsKey(rule), "shipped rules lack " + rule);
        }
        Rule unused = set.rules().stream().filter(r -> r.name().equals("unused_index")).findFirst().orElseThrow();
        assertEquals(Severity.INFO, unused.thresholds().firstKey());
        Rule dead = set.rules().stream().filter(r -> r.name().equals("dead_tuples")).findFirst().orElseThrow();
        assertEquals(List.of("datname", "schemaname", "relname"), dead.object());
        assertEquals(Duration.ofMinutes(2), dead.forDuration());
        assertEquals(0, dead.forCycles());
        Rule down = set.rules().stream().filter(r -> r.name().equals("target_down")).findFirst().orElseThrow();
        assertEquals(2, down.forCycles(), "a down target is reported within 2 collection intervals");
        assertEquals(Duration.ZERO, down.forDuration());
    }

    @Test
    void forTakesCyclesAndOverridesSwitchBetweenCyclesAndDurations() {
        RuleSet set = loader.parse("t", """
                defaults: {for: 3 cycles}
                rules:
                  down:
                    metric: pg_up
                    op: "<"
                    thresholds: {critical: 1}
                    overrides:
                      slow-db: {for: 2m}
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8}
                    for: 5m
                    overrides:
                      fast-db: {for: 1 cycle}
                """);
        Rule down = set.forTarget("any").get(0);
        assertEquals(3, down.forCycles());
        assertFalse(down.opensAtOnce());
        Rule slow = set.forTarget("slow-db").get(0);
        assertEquals(0, slow.forCycles());
        assertEquals(Duration.ofMinutes(2), slow.forDuration());
        Rule busy = set.forTarget("fast-db").get(1);
        assertEquals(1, busy.forCycles());
        assertTrue(busy.opensAtOnce());
        assertEquals(Duration.ofMinutes(5), set.forTarget("any").get(1).forDuration());
    }

    @Test
    void defaultResolveBoundIsNinetyPercentOfTheMildestThresholdForAbove() {
        RuleSet set = loader.parse("t", """
                rules:
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8, critical: 0.9}
                  down:
                    metric: pg_up
                    op: "<"
                    thresholds: {critical: 1}
                """);
        assertEquals(0.72, set.rules().get(0).resolve(), 1e-9);
        assertEquals(1.0, set.rules().get(1).resolve(), 1e-9);
        assertEquals(Comparison.BELOW, set.rules().get(1).comparison());
        assertEquals(Duration.ZERO, set.rules().get(0).forDuration());
        assertEquals(Duration.ofMinutes(5), set.rules().get(0).cooldown());
    }

    @Test
    void perTargetOverridesReplaceOnlyTheGivenFields() {
        RuleSet set = loader.parse("t", """
                rules:
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8, critical: 0.9}
                    for: 2m
                    action: investigate
                    overrides:
                      orders-db:
                        thresholds: {warning: 0.5}
                      scratch:
                        enabled: false
                """);
        Rule orders = set.forTarget("orders-db").get(0);
        assertEquals(Map.of(Severity.WARNING, 0.5), orders.thresholds());
        assertEquals(0.45, orders.resolve(), 1e-9);
        assertEquals(Duration.ofMinutes(2), orders.forDuration());
        assertEquals(0.8, set.forTarget("other").get(0).thresholds().get(Severity.WARNING));
        assertTrue(set.forTarget("scratch").isEmpty());
    }

    @Test
    void expressionsAreParsed() {
        RuleSet set = loader.parse("t", """
                rules:
                  mem:
                    metric: ratio(host_memory_available_bytes, host_memory_total_bytes)
                    op: "<"
                    thresholds: {warning: 0.1}
                  stale:
                    metric: age(pg_stat_user_tables_last_analyze, pg_stat_user_tables_last_autoanalyze)
                    thresholds: {warning: 10}
                  dl:
                    metric: rate(pg_stat_database_deadlocks)
                    thresholds: {warning: 1}
                """);
        assertEquals(new Expression.Ratio("host_memory_available_bytes", "host_memory_total_bytes"), set.rules().get(0).expression());
        assertEquals(new Expression.Age(List.of("pg_stat_user_tables_last_analyze", "pg_stat_user_tables_last_autoanalyze")),
                set.rules().get(1).expression());
        assertEquals(new Expression.Rate("pg_stat_database_deadlocks"), set.rules().get(2).expression());
    }

    @Test
    void unknownMetricNamesRuleAndField() {
        assertFails("rule 'r', field 'metric': unknown metric 'pg_nonsense'", """
                rules:
                  r:
                    metric: pg_nonsense
                    thresholds: {warning: 1}
                """);
        assertFails("rule 'r', field 'metric': unknown metric 'host_nope'", """
                rules:
                  r:
                    metric: ratio(pg_up, host_nope)
                    thresholds: {warning: 1}
                """);
        assertFails("rule 'r', field 'require[0].metric': unknown metric 'pg_x'", """
                rules:
                  r:
                    metric: pg_up
                    require: [{metric: pg_x, op: ">", value: 1}]
                    thresholds: {warning: 1}
                """);
        assertFails("rule 'r', field 'metric': unknown function 'sum'", """
                rules:
                  r:
                    metric: sum(pg_up)
                    thresholds: {warning: 1}
                """);
    }

    @Test
    void thresholdsOutOfOrderNameRuleAndField() {
        assertFails("rule 'r', field 'thresholds': out of order for '>': critical (0.5) must be above warning (0.8)", """
                rules:
                  r:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8, critical: 0.5}
                """);
        assertFails("rule 'r', field 'thresholds': out of order for '<'", """
                rules:
                  r:
                    metric: pg_stat_database_cache_hit_ratio
                    op: "<"
                    thresholds: {warning: 0.9, critical: 0.95}
                """);
        assertFails("rule 'r', field 'thresholds.severe': unknown severity", """
                rules:
                  r:
                    metric: pg_up
                    thresholds: {severe: 1}
                """);
        assertFails("rule 'r', field 'thresholds': is missing", """
                rules:
                  r:
                    metric: pg_up
                """);
        assertFails("rule 'r', field 'resolve': 0.9 is past the mildest threshold 0.8", """
                rules:
                  r:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8}
                    resolve: 0.9
                """);
    }

    @Test
    void badDurationsNameRuleAndField() {
        assertFails("rule 'r', field 'for': '0 cycles': the number of cycles must be from 1 to 1000", """
                rules:
                  r:
                    metric: pg_up
                    thresholds: {warning: 1}
                    for: 0 cycles
                """);
        assertFails("rule 'r' override for target 'db1', field 'for': bad duration or cycle count 'two cycles'", """
                rules:
                  r:
                    metric: pg_up
                    thresholds: {warning: 1}
                    overrides:
                      db1: {for: two cycles}
                """);
        assertFails("rule 'defaults', field 'for': '99999999999 cycles'", "defaults: {for: 99999999999 cycles}\nrules: {r: {metric: pg_up, thresholds: {warning: 1}}}");
        assertFails("rule 'r', field 'for': bad duration or cycle count 'soon'", """
                rules:
                  r:
                    metric: pg_up
                    thresholds: {warning: 1}
                    for: soon
                """);
        assertFails("rule 'r', field 'cooldown': bad duration '-5m'", """
                rules:
                  r:
                    metric: pg_up
                    thresholds: {warning: 1}
                    cooldown: -5m
                """);
        assertFails("rule 'r' override for target 'db1', field 'for': bad duration or cycle count 'x'", """
                rules:
                  r:
                    metric: pg_up
                    thresholds: {warning: 1}
                    overrides:
                      db1: {for: x}
                """);
    }

    @Test
    void unknownComparisonAndFieldsNameRuleAndField() {
        assertFails("rule 'r', field 'op': unknown comparison '>='", """
                rules:
                  r:
                    metric: pg_up
                    op: ">="
                    thresholds: {warning: 1}
                """);
        assertFails("rule 'r', field 'threshold': unknown field", """
                rules:
                  r:
                    metric: pg_up
                    threshold: 1
                """);
        assertFails("rule 'r', field 'labels.relname': bad regex", """
                rules:
                  r:
                    metric: pg_up
                    labels: {relname: "~(["}
                    thresholds: {warning: 1}
                """);
        assertFails("not valid YAML", "rules: [unclosed");
        assertFails("'rules' must be a non-empty mapping", "defaults: {for: 1m}");
    }

    private void assertFails(String expected, String yaml) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> loader.parse("bad.yaml", yaml));
        assertTrue(e.getMessage().startsWith("bad.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
