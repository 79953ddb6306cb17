package io.dbautopilot.performance.export;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves every target's current values on {@code /q/metrics} with a {@code target} label, under the same names as
 * on Kafka (postgres_exporter's names where it has one), so Prometheus can scrape this service instead of
 * postgres_exporter.
 *
 * <p>A Prometheus collector registered with Micrometer's registry reads the latest values when scraped: a cycle
 * costs nothing here however many tables a target has, and a dropped table's series disappear with it.
 */
@ApplicationScoped
public class PrometheusExport extends Collector {

    private final TargetRegistry targets;
    private final LatestSnapshots latest;

    public PrometheusExport(TargetRegistry targets, LatestSnapshots latest) {
        this.targets = targets;
        this.latest = latest;
    }

    void register(@Observes StartupEvent event, PrometheusMeterRegistry registry) {
        registry.getPrometheusRegistry().register(this);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Map<String, List<MetricFamilySamples.Sample>> byName = new LinkedHashMap<>();
        for (TargetRuntime target : targets.all()) {
            String id = target.id();
            for (MetricPoint p : latest.current(id)) {
                add(byName, p.name(), id, p.labels(), p.value());
            }
            latest.latest(id).ifPresent(snapshot -> addCycle(byName, id, snapshot));
        }
        List<MetricFamilySamples> families = new ArrayList<>(byName.size());
        byName.forEach((name, samples) -> families.add(new MetricFamilySamples(name, Type.GAUGE, "", samples)));
        return families;
    }

    private static void addCycle(Map<String, List<MetricFamilySamples.Sample>> byName, String id,
                                 MetricSnapshot snapshot) {
        add(byName, "autopilot_collection_duration_seconds", id, Map.of(), snapshot.collectionDurationMs() / 1000.0);
        for (FamilyResult r : snapshot.families()) {
            if (r.perDatabase()) {
                continue; // one sample per family: its summary
            }
            add(byName, "autopilot_collection_family_duration_seconds", id,
                    Map.of("family", r.family(), "status", r.status().wire()), r.durationMs() / 1000.0);
        }
    }

    private static void add(Map<String, List<MetricFamilySamples.Sample>> byName, String name, String target,
                            Map<String, String> labels, double value) {
        List<String> names = new ArrayList<>(labels.size() + 1);
        List<String> values = new ArrayList<>(labels.size() + 1);
        names.add("target");
        values.add(target);
        labels.forEach((k, v) -> {
            names.add(k);
            values.add(v);
        });
        byName.computeIfAbsent(name, n -> new ArrayList<>())
                .add(new MetricFamilySamples.Sample(name, names, values, value));
    }
}
