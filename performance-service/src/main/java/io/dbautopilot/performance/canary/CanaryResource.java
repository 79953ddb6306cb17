package io.dbautopilot.performance.canary;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.CanaryEvent;
import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.List;

/** {@code GET /api/canary}: each target's canary as seen on {@code autopilot.canary.v1} (the dashboard's canary panel). */
@Path("/api/canary")
@RolesAllowed(Roles.VIEWER)
public class CanaryResource {

    private final CanaryWatch watch;

    public CanaryResource(CanaryWatch watch) {
        this.watch = watch;
    }

    /**
     * One target's canary.
     *
     * @param target  target id
     * @param overdue whether the next run is past due (the watchdog's {@code canary_overdue} condition)
     * @param latest  the latest run
     * @param recent  the recent runs, newest first (at most 20)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TargetCanary(String target, boolean overdue, CanaryEvent latest, List<CanaryEvent> recent) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The autopilot's canary per target", description = "For each target that had a canary run: the "
            + "latest run (status, stage times, reason), whether the next one is overdue, and the recent runs, from "
            + "autopilot.canary.v1 as read by this instance.")
    public List<TargetCanary> list() {
        Instant now = Instant.now();
        return watch.latestByTarget().entrySet().stream().map(e -> new TargetCanary(e.getKey(),
                !e.getValue().off() && now.isAfter(e.getValue().nextDueAt()), e.getValue(), watch.history(e.getKey())))
                .toList();
    }
}
