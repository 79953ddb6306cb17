package io.dbautopilot.support.health;

import io.dbautopilot.model.HealthSummary;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /health}: the service's health summary as last computed in the background by {@link HealthRefresher}
 * (never per request: it only copies the latest serialised summary, on the event loop); 503 when unhealthy.
 */
@Path("/health")
@PermitAll
public class HealthSummaryResource {

    private final LatestHealth latest;

    public HealthSummaryResource(LatestHealth latest) {
        this.latest = latest;
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Service health summary", description = "Status (healthy, degraded, unhealthy), version, "
            + "uptime, every health check, the targets' reachability and open anomalies by severity "
            + "(performance-service), background tasks with their last run and an overdue flag, and the peer service's "
            + "health. Computed in the background every autopilot.health-summary.refresh-interval (checked_at says when); "
            + "503 when a readiness check is DOWN. Kubernetes probes use /q/health/*.")
    @APIResponse(responseCode = "200", description = "healthy or degraded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HealthSummary.class)))
    @APIResponse(responseCode = "503", description = "unhealthy (or the first check has not finished yet)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HealthSummary.class)))
    public Response summary() {
        LatestHealth.Snapshot s = latest.get();
        return Response.status(s.httpStatus()).entity(s.json()).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
