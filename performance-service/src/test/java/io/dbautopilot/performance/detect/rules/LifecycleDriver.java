package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.Transition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs rules through the real evaluator and lifecycle, keeping state in a map instead of the database. */
public final class LifecycleDriver {

    /** A published change. */
    public record Published(AnomalyState state, AnomalyRecord record) {
    }

    final RuleEvaluator evaluator = new RuleEvaluator();
    final AnomalyLifecycle lifecycle = new AnomalyLifecycle();
    public final Map<String, AnomalyRecord> state = new HashMap<>();
    public final List<Published> published = new ArrayList<>();
    private final List<Rule> rules;
    private final String target;
    public java.util.function.Function<String, String> familyOf = metric -> null;

    public LifecycleDriver(String target, List<Rule> rules) {
        this.target = target;
        this.rules = rules;
    }

    /** One cycle; returns what it published. */
    public List<Published> cycle(List<MetricPoint> points, Instant now) {
        List<Published> out = new ArrayList<>();
        for (Rule rule : rules) {
            Map<String, AnomalyRecord> mine = new HashMap<>();
            state.values().stream().filter(r -> r.rule().equals(rule.name())).forEach(r -> mine.put(r.fingerprint(), r));
            for (Transition t : lifecycle.step(target, rule, evaluator.evaluate(target, rule, points, now, familyOf), mine, now)) {
                if (t.delete()) {
                    state.remove(t.record().fingerprint());
                } else {
                    state.put(t.record().fingerprint(), t.record());
                }
                if (t.publish() != null) {
                    out.add(new Published(t.publish(), t.record()));
                }
            }
        }
        published.addAll(out);
        return out;
    }

    public List<Published> cycle(Instant now, MetricPoint... points) {
        return cycle(List.of(points), now);
    }
}
