package io.dbautopilot.performance.export;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mirrors every target's current values onto {@code /q/metrics} with a {@code target} label, under the same names
 * as on Kafka (postgres_exporter's names where it has one), so Prometheus can scrape this service instead of
 * postgres_exporter. Series of a table or index that disappeared disappear too (Micrometer MultiGauge rows).
 */
@ApplicationScoped
public class MetricsExport {

    private static final Logger LOG = Logger.getLogger(MetricsExport.class);

    private final MeterRegistry registry;
    private final LatestSnapshots latest;
    private final Map<String, MultiGauge> gauges = new ConcurrentHashMap<>();
    /** metric name → target → rows of that target. */
    private final Map<String, Map<String, List<MultiGauge.Row<?>>>> rows = new ConcurrentHashMap<>();
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();

    public MetricsExport(MeterRegistry registry, LatestSnapshots latest) {
        this.registry = registry;
        this.latest = latest;
    }

    /** Publishes a target's current values (call after {@link LatestSnapshots#accept}). */
    public synchronized void update(MetricSnapshot snapshot) {
        String target = snapshot.targetId();
        Map<String, List<MultiGauge.Row<?>>> fresh = new TreeMap<>();
        for (MetricPoint p : latest.current(target)) {
            fresh.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(row(target, p.labels(), p.value()));
        }
        fresh.computeIfAbsent("autopilot_collection_duration_seconds", n -> new ArrayList<>())
                .add(row(target, Map.of(), snapshot.collectionDurationMs() / 1000.0));
        for (FamilyResult r : snapshot.families()) {
            fresh.computeIfAbsent("autopilot_collection_family_duration_seconds", n -> new ArrayList<>())
                    .add(row(target, Map.of("family", r.family(), "status", r.status().wire()),
                            r.durationMs() / 1000.0));
        }
        Set<String> touched = new HashSet<>(fresh.keySet());
        rows.forEach((name, byTarget) -> {
            if (byTarget.containsKey(target)) {
                touched.add(name);
            }
        });
        for (String name : touched) {
            Map<String, List<MultiGauge.Row<?>>> byTarget = rows.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
            List<MultiGauge.Row<?>> mine = fresh.get(name);
            if (mine == null) {
                byTarget.remove(target);
            } else {
                byTarget.put(target, mine);
            }
            List<MultiGauge.Row<?>> all = new ArrayList<>();
            byTarget.values().forEach(all::addAll);
            try {
                gauges.computeIfAbsent(name, n -> MultiGauge.builder(n).register(registry)).register(all, true);
            } catch (RuntimeException e) {
                if (rejected.add(name)) {
                    LOG.warnf("Metric %s cannot be exported to /q/metrics: %s", name, e.getMessage());
                }
            }
        }
    }

    private static MultiGauge.Row<?> row(String target, Map<String, String> labels, double value) {
        List<Tag> tags = new ArrayList<>(labels.size() + 1);
        tags.add(Tag.of("target", target));
        labels.forEach((k, v) -> tags.add(Tag.of(k, v)));
        return MultiGauge.Row.of(Tags.of(tags), value);
    }
}
