package io.dbautopilot.performance.health;

import io.dbautopilot.performance.advise.RecommendationRelay;
import io.dbautopilot.performance.alerting.AlertmanagerPusher;
import io.dbautopilot.performance.alerting.WebhookRelay;
import io.dbautopilot.performance.benchmark.BenchmarkRelay;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.detect.forecast.ForecastDetector;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRelay;
import io.dbautopilot.performance.detect.rules.ActiveRules;
import io.dbautopilot.performance.detect.statistical.StatisticalDetector;
import io.dbautopilot.support.health.HealthContribution;
import io.dbautopilot.support.health.WatchedTask;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * performance-service's background tasks on {@code /health}: collection and advice of each target this instance owns,
 * detection's rule reloads and state persistence, and the outbox relays (anomalies, recommendations, benchmarks,
 * alerts).
 */
@ApplicationScoped
public class PerformanceTasks implements HealthContribution {

    private static final List<WatchedTask> FIXED = List.of(
            WatchedTask.method("detection rules reload", ActiveRules.class, "reloadIfChanged"),
            WatchedTask.method("detection baselines persist", StatisticalDetector.class, "persist"),
            WatchedTask.method("detection forecasts persist", ForecastDetector.class, "persist"),
            WatchedTask.method("anomaly relay", AnomalyRelay.class, "scheduled"),
            WatchedTask.method("recommendation relay", RecommendationRelay.class, "scheduled"),
            WatchedTask.method("benchmark relay", BenchmarkRelay.class, "scheduled"),
            WatchedTask.method("webhook relay", WebhookRelay.class, "scheduled"),
            WatchedTask.method("alertmanager push", AlertmanagerPusher.class, "scheduled"));

    private final TargetRegistry targets;

    public PerformanceTasks(TargetRegistry targets) {
        this.targets = targets;
    }

    @Override
    public List<WatchedTask> tasks() {
        List<WatchedTask> tasks = new ArrayList<>();
        targets.all().stream().sorted(Comparator.comparing(TargetRuntime::id)).forEach(t -> {
            tasks.add(new WatchedTask("collection " + t.id(), "collect-" + t.id(), t.config().interval()));
            tasks.add(new WatchedTask("advice " + t.id(), "advise-" + t.id(), null));
        });
        tasks.addAll(FIXED);
        return tasks;
    }
}
