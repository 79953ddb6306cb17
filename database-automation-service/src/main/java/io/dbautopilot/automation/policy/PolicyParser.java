package io.dbautopilot.automation.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.model.Severity;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Parses and validates a policy YAML document; every error names the source, the rule and the field. */
public final class PolicyParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> RULE_FIELDS = Set.of("name", "match", "operation", "mode", "limit");
    private static final Set<String> MATCH_FIELDS = Set.of("rule", "action", "recommendation", "min_severity");

    private PolicyParser() {
    }

    /** Parses {@code yaml} read from {@code source}; throws {@link PolicyException} naming what is wrong. */
    public static Policy parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new PolicyException("policy " + source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("rules")) {
            throw new PolicyException("policy " + source + ": top-level field 'rules' (a list) is missing");
        }
        JsonNode rulesNode = root.get("rules");
        if (!rulesNode.isArray() || rulesNode.isEmpty()) {
            throw new PolicyException("policy " + source + ": field 'rules' must be a non-empty list");
        }
        List<PolicyRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            PolicyRule rule = rule(source, i, rulesNode.get(i));
            if (!names.add(rule.name())) {
                throw new PolicyException(where(source, i, rule.name()) + ": duplicate rule name '" + rule.name() + "'");
            }
            rules.add(rule);
        }
        return new Policy(source, rules);
    }

    private static PolicyRule rule(String source, int index, JsonNode node) {
        if (!node.isObject()) {
            throw new PolicyException(where(source, index, null) + ": must be a mapping");
        }
        String name = text(node, "name");
        String at = where(source, index, name);
        if (name == null || name.isBlank()) {
            throw new PolicyException(at + ": field 'name' is required");
        }
        unknownFields(node, RULE_FIELDS, at, "");
        JsonNode match = node.get("match");
        if (match == null || !match.isObject()) {
            throw new PolicyException(at + ": field 'match' (with 'rule' and/or 'action', or 'recommendation') is required");
        }
        unknownFields(match, MATCH_FIELDS, at, "match.");
        String ruleName = text(match, "rule");
        String action = text(match, "action");
        String recommendation = text(match, "recommendation");
        if (ruleName == null && action == null && recommendation == null) {
            throw new PolicyException(at + ": field 'match' needs 'rule' or 'action' (anomalies) or 'recommendation' "
                    + "(recommendation kind)");
        }
        if (recommendation != null && (ruleName != null || action != null || match.has("min_severity"))) {
            throw new PolicyException(at + ": field 'match.recommendation' cannot be combined with 'rule', 'action' or "
                    + "'min_severity' (a rule matches either anomalies or recommendations)");
        }
        Severity minSeverity = Severity.INFO;
        String sev = text(match, "min_severity");
        if (sev != null) {
            try {
                minSeverity = Severity.fromWire(sev);
            } catch (IllegalArgumentException e) {
                throw new PolicyException(at + ": field 'match.min_severity': unknown severity '" + sev
                        + "' (expected info, warning, critical, emergency)");
            }
        }
        String op = text(node, "operation");
        OperationType operation = OperationType.parse(op).orElseThrow(() -> new PolicyException(at
                + ": field 'operation': " + (op == null ? "is required" : "unknown operation '" + op + "'")
                + " (expected one of " + OperationType.names() + ")"));
        // YAML 1.1 reads a bare `mode: off` as the boolean false: that is what the author wrote, so it means off
        String modeText = node.path("mode").isBoolean() && !node.get("mode").booleanValue() ? "off" : text(node, "mode");
        Mode mode = Mode.parse(modeText).orElseThrow(() -> new PolicyException(at + ": field 'mode': "
                + (modeText == null ? "is required" : "unknown mode '" + modeText + "'")
                + " (expected auto, window, approval, off)"));
        Duration limit = null;
        String limitText = text(node, "limit");
        if (limitText != null) {
            limit = duration(limitText, at);
        }
        boolean sessionOp = operation == OperationType.TERMINATE_IDLE || operation == OperationType.CANCEL_QUERY;
        if (sessionOp && limit == null) {
            throw new PolicyException(at + ": field 'limit' is required for operation " + operation.wire()
                    + " (how long a session may be idle/running before it is acted on, e.g. 5m)");
        }
        if (operation == OperationType.TERMINATE) {
            throw new PolicyException(at + ": field 'operation': terminate (of one named backend) is manual only;"
                    + " use terminate_idle with a limit");
        }
        if (operation == OperationType.TUNE || operation == OperationType.TUNE_REVERT) {
            throw new PolicyException(at + ": field 'operation': " + operation.wire() + " is never started by a policy ("
                    + (operation == OperationType.TUNE ? "an operator requests a tune through POST /api/operations"
                    : "the verification of a regressed tune requests its revert") + ")");
        }
        if (recommendation != null && (sessionOp || operation.objectKind() == OperationType.ObjectKind.PID)) {
            throw new PolicyException(at + ": field 'operation': " + operation.wire() + " acts on sessions, not on the "
                    + "object of a recommendation");
        }
        if (recommendation == null && operation == OperationType.CREATE_INDEX) {
            throw new PolicyException(at + ": field 'operation': create_index needs the columns of a recommendation;"
                    + " use it with match.recommendation");
        }
        return new PolicyRule(name, ruleName, action, recommendation, minSeverity, operation, mode, limit);
    }

    private static Duration duration(String text, String at) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+(ms|s|m|h|d)")) {
                long n = Long.parseLong(t.replaceAll("\\D", ""));
                Duration d = t.endsWith("ms") ? Duration.ofMillis(n) : switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                if (!d.isZero()) {
                    return d;
                }
            } else {
                Duration d = Duration.parse(text.trim());
                if (!d.isNegative() && !d.isZero()) {
                    return d;
                }
            }
        } catch (DateTimeParseException | NumberFormatException ignored) {
            // reported below
        }
        throw new PolicyException(at + ": field 'limit': '" + text + "' is not a positive duration (e.g. 30s, 5m, 1h)");
    }

    private static void unknownFields(JsonNode node, Set<String> allowed, String at, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new PolicyException(at + ": unknown field '" + prefix + f + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String where(String source, int index, String name) {
        return "policy " + source + ": rules[" + index + "]" + (name != null ? " ('" + name + "')" : "");
    }
}
