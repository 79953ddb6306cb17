package io.dbautopilot.performance.detect.suppression;

import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.operations.OperationEntry;
import io.dbautopilot.performance.operations.OperationTimeline;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The operations running on a target (from the {@link OperationTimeline} the operations consumer keeps) as
 * suppressors: each holds the rules configured for its type, on its object (or target-wide anomalies), until it
 * finished plus the grace period.
 */
@Startup
@ApplicationScoped
public class OperationCorrelation {

    private final CorrelationConfig config;
    private final OperationTimeline timeline;
    private final Map<String, List<Pattern>> holds = new TreeMap<>();

    public OperationCorrelation(CorrelationConfig config, OperationTimeline timeline) {
        this.config = config;
        this.timeline = timeline;
        for (Map.Entry<String, List<String>> e : config.holds().entrySet()) {
            List<Pattern> rules = new ArrayList<>();
            for (String r : e.getValue()) {
                String rule = r.trim();
                try {
                    rules.add(rule.startsWith("~") ? Pattern.compile(rule.substring(1)) : Pattern.compile(Pattern.quote(rule)));
                } catch (PatternSyntaxException ex) {
                    throw new IllegalStateException("autopilot.detection.correlation.holds." + e.getKey()
                            + ": bad regex '" + rule + "': " + ex.getDescription());
                }
            }
            holds.put(e.getKey().toLowerCase(Locale.ROOT), List.copyOf(rules));
        }
    }

    /** The rules an operation type holds (its own entry and those of the types it is a sub-type of). */
    List<Pattern> heldBy(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        List<Pattern> out = new ArrayList<>();
        holds.forEach((key, rules) -> {
            if (t.equals(key) || t.startsWith(key + "_")) {
                out.addAll(rules);
            }
        });
        return out;
    }

    /** Suppressors for the operations running on a target at {@code now} or finished less than the grace ago. */
    public List<Suppressor> activeFor(String targetId, Instant now) {
        if (!config.enabled() || holds.isEmpty()) {
            return List.of();
        }
        List<Suppressor> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (OperationEntry e : timeline.running(targetId)) {
            add(e, out, seen);
        }
        for (OperationEntry e : timeline.recent(targetId, 100)) {
            if (!e.running() && e.startedAt() != null && e.finishedAt() != null
                    && now.isBefore(e.finishedAt().plus(config.grace()))) {
                add(e, out, seen);
            }
        }
        return out;
    }

    private void add(OperationEntry e, List<Suppressor> out, Set<String> seen) {
        List<Pattern> rules = heldBy(e.type());
        if (rules.isEmpty() || !seen.add(e.operationId().toString())) {
            return;
        }
        String id = "operation:" + e.type() + ":" + e.operationId();
        String object = e.object();
        out.add(new Suppressor() {
            @Override
            public String suppressorId() {
                return id;
            }

            @Override
            public boolean matches(AnomalyRecord a) {
                return rules.stream().anyMatch(p -> p.matcher(a.rule()).matches()) && related(object, a.object());
            }
        });
    }

    /**
     * Whether an anomaly's object is the operation's or contains it: either is target-wide, one is the other with
     * a qualifier ({@code db.public.orders} vs {@code public.orders}), or the anomaly's object is the database the
     * operation's object lies in.
     */
    static boolean related(String operationObject, String anomalyObject) {
        if (operationObject == null || operationObject.isBlank() || anomalyObject == null) {
            return true;
        }
        return operationObject.equals(anomalyObject) || anomalyObject.endsWith("." + operationObject)
                || operationObject.endsWith("." + anomalyObject) || operationObject.startsWith(anomalyObject + ".");
    }
}
