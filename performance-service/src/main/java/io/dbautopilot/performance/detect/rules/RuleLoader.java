package io.dbautopilot.performance.detect.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbautopilot.model.Severity;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and validates a rules file (YAML): unknown metrics, fields, comparisons or severities, thresholds out of
 * order, bad durations or cycle counts ({@code for: 2 cycles}) and a resolve bound on the wrong side are rejected
 * with the rule and field named.
 */
@ApplicationScoped
public class RuleLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> RULE_FIELDS = Set.of("metric", "labels", "require", "op", "thresholds", "resolve",
            "hysteresis", "for", "cooldown", "action", "object", "description", "enabled", "overrides");
    private static final Set<String> OVERRIDE_FIELDS = Set.of("labels", "require", "op", "thresholds", "resolve",
            "hysteresis", "for", "cooldown", "action", "enabled");
    private static final Set<String> DEFAULT_FIELDS = Set.of("for", "cooldown", "hysteresis");
    private static final Pattern RULE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern CYCLES = Pattern.compile("(\\d+)\\s*cycles?");
    private static final int MAX_CYCLES = 1000;

    private final MetricCatalog catalog;

    public RuleLoader(MetricCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Parses a rules file's text.
     *
     * @param source shown in messages (path or resource)
     * @throws RuleFileException naming the source, rule and field of the first problem
     */
    public RuleSet parse(String source, String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new RuleFileException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RuleFileException(source + ": expected a mapping with 'rules'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("rules") && !f.equals("defaults")) {
                throw new RuleFileException(source + ": unknown top-level field '" + f + "' (known: defaults, rules)");
            }
        }
        JsonNode defaults = root.path("defaults");
        checkFields(source, "defaults", defaults, DEFAULT_FIELDS);
        Hold defaultFor = hold(source, "defaults", defaults.get("for"), new Hold(Duration.ZERO, 0));
        Duration defaultCooldown = duration(source, "defaults", "cooldown", defaults.get("cooldown"), Duration.ofMinutes(5));
        double defaultHysteresis = number(source, "defaults", "hysteresis", defaults.get("hysteresis"), 0.1);
        if (defaultHysteresis < 0 || defaultHysteresis >= 1) {
            throw fail(source, "defaults", "hysteresis", "must be in [0, 1), was " + defaultHysteresis);
        }
        JsonNode rulesNode = root.get("rules");
        if (rulesNode == null || !rulesNode.isObject() || rulesNode.isEmpty()) {
            throw new RuleFileException(source + ": 'rules' must be a non-empty mapping of rule name to rule");
        }
        List<Rule> rules = new ArrayList<>();
        Map<String, Map<String, Rule>> overrides = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rulesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!RULE_NAME.matcher(name).matches()) {
                throw new RuleFileException(source + ": rule name '" + name + "' must match " + RULE_NAME.pattern());
            }
            JsonNode node = e.getValue();
            if (node == null || !node.isObject()) {
                throw new RuleFileException(source + ": rule '" + name + "' must be a mapping");
            }
            checkFields(source, name, node, RULE_FIELDS);
            Expression expression;
            try {
                expression = Expression.parse(text(node.get("metric")));
            } catch (IllegalArgumentException ex) {
                throw fail(source, name, "metric", ex.getMessage());
            }
            for (String m : expression.metrics()) {
                if (!catalog.contains(m)) {
                    throw fail(source, name, "metric", "unknown metric '" + m + "' (not in " + MetricCatalog.RESOURCE + ")");
                }
            }
            List<String> object = new ArrayList<>();
            JsonNode objectNode = node.get("object");
            if (objectNode != null) {
                if (objectNode.isTextual()) {
                    for (String s : objectNode.asText().split(",")) {
                        if (!s.isBlank()) {
                            object.add(s.trim());
                        }
                    }
                } else if (objectNode.isArray()) {
                    objectNode.forEach(n -> object.add(n.asText()));
                } else {
                    throw fail(source, name, "object", "must be a list of label names or 'a,b,c'");
                }
            }
            String action = text(node.get("action"));
            if (action != null && !RULE_NAME.matcher(action).matches()) {
                throw fail(source, name, "action", "'" + action + "' must be a lower-case action kind such as vacuum");
            }
            Rule base = build(source, name, name, node, null, expression, List.copyOf(object),
                    action == null ? "investigate" : action, text(node.get("description")),
                    defaultFor, defaultCooldown, defaultHysteresis);
            rules.add(base);
            JsonNode ov = node.get("overrides");
            if (ov != null) {
                if (!ov.isObject()) {
                    throw fail(source, name, "overrides", "must be a mapping of target id to settings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> t = ov.fields(); t.hasNext(); ) {
                    Map.Entry<String, JsonNode> o = t.next();
                    String where = name + "' override for target '" + o.getKey();
                    if (!o.getValue().isObject()) {
                        throw new RuleFileException(source + ": rule '" + where + "' must be a mapping");
                    }
                    checkFields(source, where, o.getValue(), OVERRIDE_FIELDS);
                    Rule merged = build(source, name, where, o.getValue(), base, expression, base.object(),
                            o.getValue().has("action") ? text(o.getValue().get("action")) : base.action(),
                            base.description(), defaultFor, defaultCooldown, defaultHysteresis);
                    overrides.computeIfAbsent(o.getKey(), k -> new HashMap<>()).put(name, merged);
                }
            }
        }
        return new RuleSet(source, Instant.now(), List.copyOf(rules), Map.copyOf(overrides));
    }

    /** Builds a rule from a node; fields missing from the node come from {@code base} (an override) or defaults. */
    private Rule build(String source, String name, String where, JsonNode node, Rule base, Expression expression,
                       List<String> object, String action, String description, Hold defaultFor,
                       Duration defaultCooldown, double defaultHysteresis) {
        Comparison comparison = base == null ? Comparison.ABOVE : base.comparison();
        if (node.has("op")) {
            comparison = Comparison.parse(text(node.get("op")));
            if (comparison == null) {
                throw fail(source, where, "op", "unknown comparison '" + node.get("op").asText() + "' (use > or <)");
            }
        }
        NavigableMap<Severity, Double> thresholds = base == null ? null : base.thresholds();
        JsonNode th = node.get("thresholds");
        if (th != null) {
            if (!th.isObject() || th.isEmpty()) {
                throw fail(source, where, "thresholds", "must map info/warning/critical/emergency to numbers");
            }
            thresholds = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = th.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Severity s;
                try {
                    s = Severity.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw fail(source, where, "thresholds." + e.getKey(), "unknown severity (use info, warning, critical, emergency)");
                }
                if (!e.getValue().isNumber()) {
                    throw fail(source, where, "thresholds." + e.getKey(), "must be a number, was '" + e.getValue().asText() + "'");
                }
                thresholds.put(s, e.getValue().asDouble());
            }
        } else if (thresholds == null) {
            throw fail(source, where, "thresholds", "is missing");
        }
        Severity previous = null;
        for (Map.Entry<Severity, Double> e : thresholds.entrySet()) {
            if (previous != null) {
                double before = thresholds.get(previous);
                boolean ordered = comparison == Comparison.ABOVE ? e.getValue() > before : e.getValue() < before;
                if (!ordered) {
                    throw fail(source, where, "thresholds", "out of order for '" + comparison.symbol() + "': "
                            + e.getKey().wire() + " (" + e.getValue() + ") must be " + (comparison == Comparison.ABOVE ? "above " : "below ")
                            + previous.wire() + " (" + before + ")");
                }
            }
            previous = e.getKey();
        }
        double mildest = thresholds.firstEntry().getValue();
        double hysteresis = number(source, where, "hysteresis", node.get("hysteresis"), defaultHysteresis);
        if (hysteresis < 0 || hysteresis >= 1) {
            throw fail(source, where, "hysteresis", "must be in [0, 1), was " + hysteresis);
        }
        double defaultResolve = comparison == Comparison.ABOVE ? mildest * (1 - hysteresis) : mildest;
        Double keptResolve = base != null && !node.has("thresholds") && !node.has("op") && !node.has("hysteresis")
                ? base.resolve() : null;
        double resolve = number(source, where, "resolve", node.get("resolve"), keptResolve != null ? keptResolve : defaultResolve);
        if (comparison == Comparison.ABOVE ? resolve > mildest : resolve < mildest) {
            throw fail(source, where, "resolve", resolve + " is past the mildest threshold " + mildest
                    + " (must be " + (comparison == Comparison.ABOVE ? "at or below" : "at or above") + " it)");
        }
        Map<String, String> labels = base == null ? Map.of() : base.labels();
        JsonNode lb = node.get("labels");
        if (lb != null) {
            if (!lb.isObject()) {
                throw fail(source, where, "labels", "must map label names to values (or ~regex)");
            }
            Map<String, String> l = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = lb.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String v = e.getValue().asText();
                if (v.startsWith("~")) {
                    try {
                        Pattern.compile(v.substring(1));
                    } catch (PatternSyntaxException ex) {
                        throw fail(source, where, "labels." + e.getKey(), "bad regex: " + ex.getDescription());
                    }
                }
                l.put(e.getKey(), v);
            }
            labels = Map.copyOf(l);
        }
        List<Guard> guards = base == null ? List.of() : base.guards();
        JsonNode rq = node.get("require");
        if (rq != null) {
            if (!rq.isArray()) {
                throw fail(source, where, "require", "must be a list of {metric, op, value}");
            }
            List<Guard> g = new ArrayList<>();
            int i = 0;
            for (JsonNode r : rq) {
                String field = "require[" + i++ + "]";
                String metric = text(r.get("metric"));
                if (metric == null || !catalog.contains(metric)) {
                    throw fail(source, where, field + ".metric", "unknown metric '" + metric + "'");
                }
                Comparison c = Comparison.parse(text(r.get("op")));
                if (c == null) {
                    throw fail(source, where, field + ".op", "unknown comparison '" + text(r.get("op")) + "' (use > or <)");
                }
                if (r.get("value") == null || !r.get("value").isNumber()) {
                    throw fail(source, where, field + ".value", "must be a number");
                }
                g.add(new Guard(metric, c, r.get("value").asDouble()));
            }
            guards = List.copyOf(g);
        }
        Hold held = hold(source, where, node.get("for"),
                base == null ? defaultFor : new Hold(base.forDuration(), base.forCycles()));
        Duration cooldown = duration(source, where, "cooldown", node.get("cooldown"), base == null ? defaultCooldown : base.cooldown());
        boolean enabled = base == null || base.enabled();
        if (node.has("enabled")) {
            if (!node.get("enabled").isBoolean()) {
                throw fail(source, where, "enabled", "must be true or false");
            }
            enabled = node.get("enabled").asBoolean();
        }
        return new Rule(name, expression, labels, guards, comparison, java.util.Collections.unmodifiableNavigableMap(
                new TreeMap<>(thresholds)), resolve, held.duration(), cooldown, action, object, description, enabled,
                held.cycles());
    }

    private static void checkFields(String source, String where, JsonNode node, Set<String> known) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new RuleFileException(source + ": '" + where + "' must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw fail(source, where, f, "unknown field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    /** A {@code for}: a duration, or a number of consecutive evaluations ({@code cycles} > 0, duration zero). */
    private record Hold(Duration duration, int cycles) {
    }

    /** Parses {@code for}: a duration ({@code 30s}, {@code 5m}) or {@code N cycles} (N from 1 to 1000). */
    private static Hold hold(String source, String where, JsonNode node, Hold fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        var cycles = CYCLES.matcher(node.asText().trim());
        if (cycles.matches()) {
            int n;
            try {
                n = Integer.parseInt(cycles.group(1));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_CYCLES) {
                throw fail(source, where, "for", "'" + node.asText() + "': the number of cycles must be from 1 to "
                        + MAX_CYCLES);
            }
            return new Hold(Duration.ZERO, n);
        }
        try {
            Duration d = DurationConverter.parseDuration(node.asText().trim());
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return new Hold(d, 0);
        } catch (RuntimeException e) {
            throw fail(source, where, "for", "bad duration or cycle count '" + node.asText()
                    + "' (use e.g. 30s, 5m, 1h, or 2 cycles)");
        }
    }

    private static Duration duration(String source, String where, String field, JsonNode node, Duration fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        try {
            Duration d = DurationConverter.parseDuration(node.asText().trim());
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (RuntimeException e) {
            throw fail(source, where, field, "bad duration '" + node.asText() + "' (use e.g. 30s, 5m, 1h, 2d)");
        }
    }

    private static double number(String source, String where, String field, JsonNode node, double fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw fail(source, where, field, "must be a number, was '" + node.asText() + "'");
        }
        return node.asDouble();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static RuleFileException fail(String source, String rule, String field, String problem) {
        return new RuleFileException(source + ": rule '" + rule + "', field '" + field + "': " + problem);
    }
}
