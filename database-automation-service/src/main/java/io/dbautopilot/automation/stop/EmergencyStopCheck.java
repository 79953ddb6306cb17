package io.dbautopilot.automation.stop;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;

/**
 * Health check {@code emergency-stop} (on the open {@code /health} and {@code /q/health/ready}): always UP (the service
 * keeps serving), with {@code active}, {@code global} and {@code target_count} only; who stopped what and why is for
 * viewers ({@code GET /api/emergency-stop}).
 */
@Readiness
@ApplicationScoped
public class EmergencyStopCheck implements HealthCheck {

    private final EmergencyStopControl control;

    public EmergencyStopCheck(EmergencyStopControl control) {
        this.control = control;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("emergency-stop").up();
        try {
            List<EmergencyStop> stops = control.list();
            b.withData("active", !stops.isEmpty())
                    .withData("global", stops.stream().anyMatch(EmergencyStop::global))
                    .withData("target_count", stops.stream().filter(s -> !s.global()).count());
        } catch (RuntimeException e) {
            // the state database check reports the outage; stops are enforced by the state database, so none can slip
            b.withData("active", "unknown: state database unreachable");
        }
        return b.build();
    }
}
