package io.dbautopilot.performance.canary;

import io.dbautopilot.model.CanaryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Health check {@code canary} (on {@code /health} and {@code /q/health/ready}): always UP, with the canary events this
 * instance has seen: {@code targets}, the last completed run ({@code last_completed_at}, {@code last_target},
 * {@code last_status}), {@code failed} (targets whose latest run failed) and {@code overdue} (targets whose next run is
 * past due: the automation service is not working on them).
 */
@Readiness
@ApplicationScoped
public class CanaryCheck implements HealthCheck {

    private final CanaryWatch watch;

    public CanaryCheck(CanaryWatch watch) {
        this.watch = watch;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, CanaryEvent> latest = new java.util.TreeMap<>(watch.latestByTarget());
        latest.values().removeIf(CanaryEvent::off);
        Instant now = Instant.now();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("canary").up().withData("targets", latest.size());
        latest.values().stream().max(Comparator.comparing(CanaryEvent::completedAt)).ifPresent(e -> b
                .withData("last_completed_at", e.completedAt().toString())
                .withData("last_target", e.targetId())
                .withData("last_status", e.status()));
        b.withData("failed", latest.values().stream().filter(CanaryEvent::failed).map(CanaryEvent::targetId)
                .collect(Collectors.joining(",")));
        b.withData("overdue", latest.values().stream().filter(e -> now.isAfter(e.nextDueAt()))
                .map(CanaryEvent::targetId).collect(Collectors.joining(",")));
        return b.build();
    }
}
