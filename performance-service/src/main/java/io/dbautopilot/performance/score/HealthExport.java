package io.dbautopilot.performance.score;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves the latest health reports on {@code /q/metrics}: {@code autopilot_health_score{target,category}} (category
 * {@code overall} or one of the eight; unknown categories absent), {@code autopilot_health_grade{target,grade}} = 1
 * and {@code autopilot_health_points_lost{target,category,check,object}}.
 */
@ApplicationScoped
public class HealthExport extends Collector {

    private final HealthScores scores;

    public HealthExport(HealthScores scores) {
        this.scores = scores;
    }

    void register(@Observes StartupEvent event, PrometheusMeterRegistry registry) {
        registry.getPrometheusRegistry().register(this);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> score = new ArrayList<>();
        List<MetricFamilySamples.Sample> grade = new ArrayList<>();
        List<MetricFamilySamples.Sample> lost = new ArrayList<>();
        scores.all().forEach((target, r) -> {
            score.add(new MetricFamilySamples.Sample("autopilot_health_score", List.of("target", "category"),
                    List.of(target, "overall"), r.score()));
            for (CategoryScore c : r.categories()) {
                if (c.score() != null) {
                    score.add(new MetricFamilySamples.Sample("autopilot_health_score", List.of("target", "category"),
                            List.of(target, c.category().wire()), c.score()));
                }
            }
            grade.add(new MetricFamilySamples.Sample("autopilot_health_grade", List.of("target", "grade"),
                    List.of(target, r.grade()), 1));
            for (CheckResult c : r.lost()) {
                lost.add(new MetricFamilySamples.Sample("autopilot_health_points_lost",
                        List.of("target", "category", "check", "object"),
                        List.of(target, c.category().wire(), c.name(), c.object() == null ? "" : c.object()),
                        c.pointsLost()));
            }
        });
        return List.of(
                new MetricFamilySamples("autopilot_health_score", Type.GAUGE,
                        "Health score 0-100 per target, overall and per category", score),
                new MetricFamilySamples("autopilot_health_grade", Type.GAUGE,
                        "Health grade (A+, A, B, C, D, F) per target: 1 for the current grade", grade),
                new MetricFamilySamples("autopilot_health_points_lost", Type.GAUGE,
                        "Points a named health check lost", lost));
    }
}
