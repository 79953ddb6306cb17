package io.dbautopilot.automation.policy;

import java.util.List;
import java.util.Optional;

/**
 * A validated policy: rules in file order, the first matching rule wins.
 *
 * @param source where it was loaded from (file path or classpath resource)
 * @param rules  the rules, in order
 */
public record Policy(String source, List<PolicyRule> rules) {

    public Policy {
        rules = List.copyOf(rules);
    }

    /** The rule with this name. */
    public Optional<PolicyRule> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
