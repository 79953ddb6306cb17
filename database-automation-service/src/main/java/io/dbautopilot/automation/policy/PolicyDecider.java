package io.dbautopilot.automation.policy;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the policy at start-up (an invalid file fails the start naming the rule and field) and
 * decides, for each {@link Trigger} (anomaly, recommendation or finding), which operation it leads to and in which mode.
 */
@Startup
@ApplicationScoped
public class PolicyDecider {

    /** The built-in policy. */
    public static final String DEFAULT_POLICY = "classpath:policy/default-policy.yaml";

    private static final Logger LOG = Logger.getLogger(PolicyDecider.class);

    private final PolicyConfig config;
    private final ManagedDatabases databases;
    private Policy policy;

    public PolicyDecider(PolicyConfig config, ManagedDatabases databases) {
        this.config = config;
        this.databases = databases;
    }

    @PostConstruct
    /** Loads and validates the policy; throws naming the rule or setting (per-database overrides: ManagedDatabases). */
    public void load() {
        policy = load(config);
        LOG.infof("Policy %s loaded: %d rules", policy.source(), policy.rules().size());
    }

    /** Reads and parses the configured policy (the built-in one when none is configured). */
    public static Policy load(PolicyConfig config) {
        String source = config.file().filter(s -> !s.isBlank()).orElse(DEFAULT_POLICY);
        return PolicyParser.parse(read(source), source);
    }

    static String read(String source) {
        try {
            if (source.startsWith("classpath:")) {
                String resource = source.substring("classpath:".length());
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new PolicyException("autopilot.policy.file: classpath resource '" + resource + "' not found");
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(source));
        } catch (IOException e) {
            throw new PolicyException("autopilot.policy.file: cannot read '" + source + "': " + e.getMessage(), e);
        }
    }

    /** The loaded policy. */
    public Policy policy() {
        return policy;
    }

    /**
     * The decision for a trigger: empty when no rule matches or the matching rule's mode is off. A trigger that says
     * it requires approval (a recommendation may) is never run without one, whatever the rule's mode.
     */
    public Optional<Decision> decide(Trigger trigger) {
        return decide(policy, overrides(trigger.targetId()), trigger);
    }

    /**
     * The decision another policy (a candidate being replayed) would make for a trigger, with the same per-database
     * overrides and the same logic as {@link #decide(Trigger)}, so a replay cannot diverge from the real decision.
     */
    public Optional<Decision> decide(Policy candidate, Trigger trigger) {
        return decide(candidate, overrides(trigger.targetId()), trigger);
    }

    /** The managed database's mode overrides (validated when its settings were built); none when it is not managed. */
    private Map<String, Mode> overrides(String targetId) {
        if (!databases.exists(targetId)) {
            return Map.of();
        }
        Map<String, Mode> modes = new HashMap<>();
        try {
            databases.settings(targetId).policyOverrides().forEach((rule, text) -> Mode.parse(text)
                    .ifPresent(mode -> modes.put(rule, mode)));
        } catch (IllegalArgumentException removedMeanwhile) {
            return Map.of();
        }
        return modes;
    }

    /** Pure decision logic: the first matching rule, with a per-database mode override applied. */
    public static Optional<Decision> decide(Policy policy, Map<String, Mode> overrides, Trigger trigger) {
        for (PolicyRule rule : policy.rules()) {
            if (rule.matches(trigger)) {
                Mode mode = overrides.getOrDefault(rule.name(), rule.mode());
                if (mode == Mode.OFF) {
                    return Optional.empty();
                }
                String note = mode != rule.mode() ? " (per-database override)" : "";
                if (trigger.requiresApproval() && mode != Mode.APPROVAL) {
                    mode = Mode.APPROVAL;
                    note += " (approval: the " + trigger.kind().wire() + " requires it)";
                }
                String reason = "policy rule '" + rule.name() + "': " + trigger.description() + " on "
                        + (trigger.object() == null ? trigger.targetId() : trigger.object()) + " -> "
                        + rule.operation().wire() + " " + mode.wire() + note;
                return Optional.of(new Decision(rule.name(), rule.operation(), mode, rule.limit(), reason));
            }
        }
        return Optional.empty();
    }
}
