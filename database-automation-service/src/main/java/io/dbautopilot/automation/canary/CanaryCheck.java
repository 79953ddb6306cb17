package io.dbautopilot.automation.canary;

import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Health check {@code canary} (on {@code /health} and {@code /q/health/ready}): always UP (a failing canary is a
 * finding about the autopilot, not a reason to stop serving), with the last completed run ({@code last_completed_at},
 * {@code last_target}, {@code last_status}), {@code targets}, {@code failed} (targets whose latest run failed) and
 * {@code overdue} (targets whose running run is past its deadline or whose next run is past due).
 */
@Readiness
@ApplicationScoped
public class CanaryCheck implements HealthCheck {

    private final CanaryRuns runs;
    private final StateTransactions transactions;
    private final CanaryConfig config;

    public CanaryCheck(CanaryRuns runs, StateTransactions transactions, CanaryConfig config) {
        this.runs = runs;
        this.transactions = transactions;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("canary").up().withData("enabled", config.enabled());
        try {
            List<CanaryRun> latest = transactions.withConnection(runs::latestPerTarget);
            List<CanaryRun> completed = transactions.withConnection(runs::latestCompletedPerTarget);
            Instant now = Instant.now();
            b.withData("targets", latest.stream().filter(r -> !"off".equals(r.status())).count());
            completed.stream().max(java.util.Comparator.comparing(CanaryRun::completedAt)).ifPresent(r -> b
                    .withData("last_completed_at", r.completedAt().toString())
                    .withData("last_target", r.targetId())
                    .withData("last_status", r.status()));
            String failed = completed.stream().filter(r -> "failed".equals(r.status())).map(CanaryRun::targetId)
                    .collect(Collectors.joining(","));
            String overdue = latest.stream().filter(r -> !"off".equals(r.status()))
                    .filter(r -> r.running() ? now.isAfter(r.deadlineAt())
                            : r.nextDueAt() != null && now.isAfter(r.nextDueAt()))
                    .map(CanaryRun::targetId).collect(Collectors.joining(","));
            b.withData("failed", failed).withData("overdue", overdue);
        } catch (RuntimeException e) {
            b.withData("error", "state database: " + e.getMessage());
        }
        return b.build();
    }
}
