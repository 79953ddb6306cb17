package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.MetricPoint;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Computes a rule's expression over a target's current points, one {@link Observation} per object. Rates keep the
 * previous reading of each counter in memory (a rate needs two readings; after a restart the first cycle has none;
 * a reading that did not change keeps its time, so a counter of a family collected less often than rules run is
 * never overstated).
 */
@ApplicationScoped
public class RuleEvaluator {

    /**
     * What a rule saw.
     *
     * @param known        false when the rule's metric is absent (family not collected, target down): nothing can
     *                     be said, so open anomalies are neither resolved nor confirmed
     * @param observations one per object whose series exist
     */
    public record Evaluation(boolean known, List<Observation> observations) {
    }

    private record Reading(double value, Instant at) {
    }

    private final Map<String, Reading> previous = new ConcurrentHashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    /** Forgets the counter readings of a target this instance gave up (a later owner starts its rates afresh). */
    void onReleased(@jakarta.enterprise.event.Observes io.dbautopilot.performance.collect.TargetRegistry.Released released) {
        previous.keySet().removeIf(k -> k.startsWith(released.id() + "\u0000"));
    }

    /** Evaluates a rule against a target's current points at {@code now}, knowing no metric's family. */
    public Evaluation evaluate(String targetId, Rule rule, List<MetricPoint> points, Instant now) {
        return evaluate(targetId, rule, PointIndex.of(points), now, metric -> null);
    }

    /** As {@link #evaluate(String, Rule, PointIndex, Instant, Function)} on a list of points. */
    public Evaluation evaluate(String targetId, Rule rule, List<MetricPoint> points, Instant now,
                               Function<String, String> familyOf) {
        return evaluate(targetId, rule, PointIndex.of(points), now, familyOf);
    }

    /**
     * Evaluates a rule against a target's current points at {@code now}.
     *
     * @param familyOf the family emitting a metric (null if unknown): when the rule's metric has no series but
     *                 another metric of its family is present, the family ran and the objects are gone
     */
    public Evaluation evaluate(String targetId, Rule rule, PointIndex points, Instant now,
                               Function<String, String> familyOf) {
        Expression ex = rule.expression();
        List<MetricPoint> primaries = points.named(ex.primary()).stream()
                .filter(p -> matchesFilters(rule.labels(), p.labels())).toList();
        if (primaries.isEmpty()) {
            String family = familyOf.apply(ex.primary());
            boolean familyPresent = family != null && points.names().stream().anyMatch(n -> family.equals(familyOf.apply(n)));
            return new Evaluation(familyPresent && !(ex instanceof Expression.Rate), List.of());
        }
        List<Observation> out = new ArrayList<>();
        boolean known = true;
        if (ex instanceof Expression.Rate) {
            known = false;
        }
        for (MetricPoint p : primaries) {
            Map<String, Double> evidence = new LinkedHashMap<>();
            Double value = valueOf(targetId, ex, p, points, now, evidence);
            if (value == null || !Double.isFinite(value)) {
                continue;
            }
            if (ex instanceof Expression.Rate) {
                known = true;
            }
            if (!guardsHold(rule, points, p.labels(), evidence)) {
                continue;
            }
            evidence.put("value", value);
            out.add(new Observation(objectOf(rule, p.labels()), value, evidence));
        }
        return new Evaluation(known, out);
    }

    private Double valueOf(String targetId, Expression ex, MetricPoint p, PointIndex points, Instant now,
                           Map<String, Double> evidence) {
        if (ex instanceof Expression.Metric m) {
            evidence.put(m.name(), p.value());
            return p.value();
        }
        if (ex instanceof Expression.Ratio r) {
            Optional<MetricPoint> d = points.companion(r.denominator(), p.labels());
            if (d.isEmpty() || d.get().value() == 0) {
                return null;
            }
            evidence.put(r.numerator(), p.value());
            evidence.put(r.denominator(), d.get().value());
            return p.value() / d.get().value();
        }
        if (ex instanceof Expression.Age a) {
            double newest = p.value();
            evidence.put(a.timestamps().get(0), p.value());
            for (String other : a.timestamps().subList(1, a.timestamps().size())) {
                Optional<MetricPoint> o = points.companion(other, p.labels());
                if (o.isPresent()) {
                    evidence.put(other, o.get().value());
                    newest = Math.max(newest, o.get().value());
                }
            }
            return now.toEpochMilli() / 1000.0 - newest;
        }
        Expression.Rate r = (Expression.Rate) ex;
        String key = targetId + "\u0000" + r.counter() + "\u0000" + p.labels();
        Reading before = previous.get(key);
        if (before != null && before.value() == p.value()) {
            // Unchanged (or its family was not due this cycle): keep the older reading, so the next change is
            // spread over the whole time since the last one instead of one cycle (never overstated).
            evidence.put(r.counter(), p.value());
            return 0.0;
        }
        previous.put(key, new Reading(p.value(), now));
        if (before == null || !now.isAfter(before.at()) || p.value() < before.value()) {
            return null;
        }
        evidence.put(r.counter(), p.value());
        return (p.value() - before.value()) / ((now.toEpochMilli() - before.at().toEpochMilli()) / 1000.0);
    }

    /** The object name: the values of the rule's object labels present on the series, joined with '.'. */
    public static String objectOf(Rule rule, Map<String, String> labels) {
        List<String> parts = new ArrayList<>();
        for (String l : rule.object()) {
            String v = labels.get(l);
            if (v != null && !v.isEmpty()) {
                parts.add(v);
            }
        }
        return parts.isEmpty() ? null : String.join(".", parts);
    }

    private boolean guardsHold(Rule rule, PointIndex points, Map<String, String> labels, Map<String, Double> evidence) {
        for (Guard g : rule.guards()) {
            Optional<MetricPoint> o = points.companion(g.metric(), labels);
            if (o.isEmpty() || !g.comparison().breaches(o.get().value(), g.value())) {
                return false;
            }
            evidence.put(g.metric(), o.get().value());
        }
        return true;
    }

    private boolean matchesFilters(Map<String, String> filters, Map<String, String> labels) {
        for (Map.Entry<String, String> f : filters.entrySet()) {
            String v = labels.get(f.getKey());
            if (v == null) {
                return false;
            }
            String want = f.getValue();
            if (want.startsWith("~")) {
                if (!patterns.computeIfAbsent(want, w -> Pattern.compile(w.substring(1))).matcher(v).matches()) {
                    return false;
                }
            } else if (!want.equals(v)) {
                return false;
            }
        }
        return true;
    }
}
