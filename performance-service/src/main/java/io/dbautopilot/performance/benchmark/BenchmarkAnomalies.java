package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.detect.rules.Comparison;
import io.dbautopilot.performance.detect.rules.Expression;
import io.dbautopilot.performance.detect.rules.Observation;
import io.dbautopilot.performance.detect.rules.Rule;
import io.dbautopilot.performance.detect.rules.RuleEvaluator;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns a run's comparison into the target's {@value #RULE} anomaly through the detector's own lifecycle and store
 * (fingerprint, sequence numbers, outbox to {@code autopilot.anomalies.v1}): opened when a metric regressed past its
 * threshold (score = worst worsening / its threshold, above 1), resolved by the next compared run without one.
 */
@ApplicationScoped
public class BenchmarkAnomalies {

    /** The rule (detector) name of benchmark regressions. */
    public static final String RULE = "benchmark_regression";

    private static final Logger LOG = Logger.getLogger(BenchmarkAnomalies.class);
    private static final Rule REGRESSION = new Rule(RULE, new Expression.Metric("benchmark_regression_score"), Map.of(),
            List.of(), Comparison.ABOVE, new TreeMap<>(Map.of(Severity.WARNING, 1.0)), 1.0, Duration.ZERO, Duration.ZERO,
            "investigate", List.of(), "benchmark metric worse than its baseline run by more than its threshold", true);

    private final AnomalyLifecycle lifecycle;
    private final AnomalyStore store;

    public BenchmarkAnomalies(AnomalyLifecycle lifecycle, AnomalyStore store) {
        this.lifecycle = lifecycle;
        this.store = store;
    }

    /** Steps the target's regression anomaly with a compared run's changes; returns the published changes. */
    public List<AnomalyEvent> record(String targetId, UUID runId, UUID baselineId, List<BenchmarkComparator.Change> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        BenchmarkComparator.Change worst = changes.stream()
                .max(Comparator.comparingDouble(c -> c.worsening() / c.threshold())).orElseThrow();
        double score = worst.worsening() / worst.threshold();
        Map<String, Double> evidence = new LinkedHashMap<>();
        changes.stream().filter(BenchmarkComparator.Change::regressed)
                .forEach(c -> evidence.put(c.step() + "." + c.metric() + ".change", c.change()));
        evidence.put("worst_change", worst.change());
        evidence.put("worst_threshold", worst.threshold());
        String detail = String.format(Locale.ROOT, "run %s: %s %s %.6g vs %.6g in run %s (%+.1f %%, threshold %.0f %%)",
                runId, worst.step(), worst.metric(), worst.value(), worst.baseline(), baselineId, worst.change() * 100,
                worst.threshold() * 100);
        Observation seen = new Observation(null, score, evidence, detail);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<String, AnomalyRecord> existing = new HashMap<>();
        store.ofTarget(targetId).forEach((fp, r) -> {
            if (r.rule().equals(RULE)) {
                existing.put(fp, r);
            }
        });
        List<AnomalyEvent> events = store.apply(targetId, lifecycle.step(targetId, REGRESSION,
                new RuleEvaluator.Evaluation(true, List.of(seen)), existing, now), now);
        events.forEach(e -> LOG.infof("Anomaly %s: %s (#%d)", e.state().wire(), e.summary(), e.sequence()));
        return events;
    }
}
