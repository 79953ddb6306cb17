package io.dbautopilot.performance.detect.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A validated rules file: the rules, and per target the rules with that target's overrides applied.
 *
 * @param source    where it was read from
 * @param loadedAt  when
 * @param rules     the rules as written (no overrides)
 * @param overrides target id to rule name to the overridden rule
 */
public record RuleSet(String source, Instant loadedAt, List<Rule> rules, Map<String, Map<String, Rule>> overrides) {

    /** The enabled rules for a target, with its overrides applied. */
    public List<Rule> forTarget(String targetId) {
        Map<String, Rule> own = overrides.getOrDefault(targetId, Map.of());
        return rules.stream().map(r -> own.getOrDefault(r.name(), r)).filter(Rule::enabled).toList();
    }
}
