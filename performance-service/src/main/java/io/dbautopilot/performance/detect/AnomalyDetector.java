package io.dbautopilot.performance.detect;

import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.detect.forecast.ForecastDetector;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.detect.lifecycle.Transition;
import io.dbautopilot.performance.detect.lifecycle.UnacknowledgedEscalation;
import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.performance.detect.rules.MetricFamilies;
import io.dbautopilot.performance.detect.rules.PointIndex;
import io.dbautopilot.performance.detect.rules.Rule;
import io.dbautopilot.performance.detect.rules.RuleEvaluator;
import io.dbautopilot.performance.detect.statistical.StatisticalDetector;
import io.dbautopilot.performance.detect.suppression.MaintenanceWindows;
import io.dbautopilot.performance.detect.suppression.OperationCorrelation;
import io.dbautopilot.performance.detect.suppression.SilenceStore;
import io.dbautopilot.performance.detect.suppression.Suppressor;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * After every collection cycle, evaluates the target's rules against its current values (every family merged),
 * runs the statistical and forecast detectors on the fresh readings, steps the anomaly lifecycle, escalates what
 * stays unacknowledged, holds back what a silence, maintenance window or running operation matches and stores the changes with their outbox events
 * (published by {@link io.dbautopilot.performance.detect.lifecycle.AnomalyRelay}).
 */
@ApplicationScoped
public class AnomalyDetector {

    private static final Logger LOG = Logger.getLogger(AnomalyDetector.class);

    private final DetectionConfig config;
    private final Engines engines;
    private final TargetRegistry targets;
    private final RuleEvaluator evaluator;
    private final AnomalyLifecycle lifecycle;
    private final AnomalyStore store;
    private final LatestSnapshots latest;
    private final MeterRegistry meters;
    private final MetricFamilies families;
    private final SilenceStore silences;
    private final StatisticalDetector statistical;
    private final ForecastDetector forecasts;
    private final MaintenanceWindows windows;
    private final UnacknowledgedEscalation escalation;
    private final OperationCorrelation correlation;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Whether detection is skipping cycles because the state database is unreachable (logged once). */
    private final java.util.concurrent.atomic.AtomicBoolean stateDown = new java.util.concurrent.atomic.AtomicBoolean();

    public AnomalyDetector(DetectionConfig config, Engines engines, TargetRegistry targets, RuleEvaluator evaluator, AnomalyLifecycle lifecycle,
                           AnomalyStore store, LatestSnapshots latest, MeterRegistry meters,
                           MetricFamilies families, SilenceStore silences, StatisticalDetector statistical,
                           ForecastDetector forecasts, MaintenanceWindows windows,
                           UnacknowledgedEscalation escalation, OperationCorrelation correlation) {
        this.config = config;
        this.engines = engines;
        this.targets = targets;
        this.evaluator = evaluator;
        this.lifecycle = lifecycle;
        this.store = store;
        this.latest = latest;
        this.meters = meters;
        this.families = families;
        this.silences = silences;
        this.statistical = statistical;
        this.forecasts = forecasts;
        this.windows = windows;
        this.escalation = escalation;
        this.correlation = correlation;
    }

    void onCycle(@ObservesAsync CycleResult cycle) {
        if (!config.enabled()) {
            return;
        }
        String target = cycle.snapshot().targetId();
        try {
            families.learn(cycle);
            List<MetricPoint> fresh = new ArrayList<>();
            cycle.pointsByFamily().values().forEach(fresh::addAll);
            detect(target, latest.current(target), fresh, Instant.now());
            if (stateDown.compareAndSet(true, false)) {
                LOG.info("Anomaly detection runs again: the state database is back");
            }
        } catch (RuntimeException e) {
            if (e.getCause() instanceof java.sql.SQLException) {
                if (stateDown.compareAndSet(false, true)) {
                    LOG.warnf("Anomaly detection skips cycles until the state database is back (first: %s: %s); "
                            + "nothing is lost, a condition still present is detected then", target, e.getMessage());
                }
            } else {
                LOG.errorf(e, "Anomaly detection failed for target %s", target);
            }
        }
    }

    /**
     * Holds back publication of changes to anomalies a silence matches: an opening is recorded with the silence's
     * id; an escalation or resolution of a held anomaly stays unpublished.
     */
    static List<Transition> suppress(List<Transition> changes, List<? extends Suppressor> active) {
        List<Transition> out = new ArrayList<>();
        for (Transition t : changes) {
            if (t.publish() == AnomalyState.OPENED) {
                Suppressor s = active.stream().filter(x -> x.matches(t.record())).findFirst().orElse(null);
                out.add(s == null ? t : new Transition(t.record().silenced(s.suppressorId()), null, false));
            } else if (t.publish() != null && t.record().silencedBy() != null) {
                out.add(new Transition(t.record(), null, false));
            } else {
                out.add(t);
            }
        }
        return out;
    }

    /** Publishes as opened the held anomalies that are still open and that nothing active holds any more. */
    static List<Transition> release(Map<String, Map<String, AnomalyRecord>> stored, List<Transition> changes,
                                    List<? extends Suppressor> active) {
        java.util.Set<String> changed = new java.util.HashSet<>();
        changes.forEach(t -> changed.add(t.record().fingerprint()));
        List<Transition> out = new ArrayList<>();
        for (Map<String, AnomalyRecord> rule : stored.values()) {
            for (AnomalyRecord r : rule.values()) {
                if (r.status() == AnomalyStatus.OPEN && r.silencedBy() != null && !changed.contains(r.fingerprint())
                        && active.stream().noneMatch(s -> s.matches(r))) {
                    out.add(new Transition(r.silenced(null), AnomalyState.OPENED, false));
                }
            }
        }
        return out;
    }

    /**
     * The rules of a target's engine with its overrides applied (PostgreSQL's for a target not owned here); none when
     * the engine has no rule set.
     */
    private List<Rule> rulesOf(String target) {
        Engine engine = targets.get(target).map(t -> Engines.of(t.config())).orElse(Engine.POSTGRESQL);
        return engines.rules(engine).map(r -> r.current().forTarget(target)).orElse(List.of());
    }

    /** As {@link #detect(String, List, List, Instant)} with every point fresh. */
    public List<AnomalyEvent> detect(String target, List<MetricPoint> points, Instant at) {
        return detect(target, points, points, at);
    }

    /**
     * Evaluates every rule of a target against its current points and the statistical and forecast detectors
     * against its fresh readings, and stores the resulting changes; returns the events.
     *
     * @param points the target's current values, every family merged
     * @param fresh  the values of the families that ran this cycle (new readings)
     */
    public List<AnomalyEvent> detect(String target, List<MetricPoint> points, List<MetricPoint> fresh, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MICROS); // what the state database keeps
        synchronized (locks.computeIfAbsent(target, t -> new Object())) {
            Map<String, Map<String, AnomalyRecord>> byRule = new HashMap<>();
            store.ofTarget(target).values().forEach(r ->
                    byRule.computeIfAbsent(r.rule(), k -> new HashMap<>()).put(r.fingerprint(), r));
            List<Transition> changes = new ArrayList<>();
            PointIndex index = PointIndex.of(points);
            for (Rule rule : rulesOf(target)) {
                RuleEvaluator.Evaluation seen = evaluator.evaluate(target, rule, index, now, families::familyOf);
                changes.addAll(lifecycle.step(target, rule, seen, byRule.getOrDefault(rule.name(), Map.of()), now));
            }
            PointIndex freshIndex = fresh == points ? index : PointIndex.of(fresh);
            List<Finding> findings = new ArrayList<>(statistical.evaluate(target, freshIndex, now));
            findings.addAll(forecasts.evaluate(target, freshIndex, now));
            for (Finding f : findings) {
                changes.addAll(lifecycle.step(target, f.rule(), f.evaluation(),
                        byRule.getOrDefault(f.rule().name(), Map.of()), now));
            }
            changes.addAll(escalation.step(byRule, changes, now));
            List<Suppressor> active = new ArrayList<>(silences.list(now, false));
            windows.activeFor(target, now).forEach(w -> active.add(w.asSuppressor()));
            active.addAll(correlation.activeFor(target, now));
            changes = suppress(changes, active);
            changes.addAll(release(byRule, changes, active));
            List<AnomalyEvent> events = store.apply(target, changes, now);
            for (AnomalyEvent e : events) {
                meters.counter("autopilot_anomalies_" + e.state().wire() + "_total", "target", target,
                        "rule", e.detector(), "severity", e.severity().wire()).increment();
                LOG.infof("Anomaly %s: %s (#%d)", e.state().wire(), e.summary(), e.sequence());
            }
            return events;
        }
    }
}
