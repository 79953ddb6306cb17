package io.dbautopilot.performance.dashboard;

import io.dbautopilot.support.access.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /api/automation/backups} and {@code /migrations}: the automation service's answers for the dashboard's
 * panels (blocking REST calls: on a worker thread).
 */
@Path("/api/automation")
@RolesAllowed(Roles.VIEWER)
@Blocking
public class AutomationPanelsResource {

    private final AutomationPanels panels;

    public AutomationPanelsResource(AutomationPanels panels) {
        this.panels = panels;
    }

    @GET
    @Path("backups")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Backups panel", description = "{available, items, reason, checked_at}: items is the "
            + "automation service's GET /api/backups/overview (per database: last completed backup, its age, RPO, next "
            + "scheduled run, last restore drill with its RTO), read from autopilot.dashboard.automation-url with "
            + "autopilot.dashboard.automation-key and reused for autopilot.dashboard.automation-cache; when it cannot "
            + "be read, available is false and reason says why (e.g. the setting to set). Always 200 for a viewer.")
    public AutomationPanel backups() {
        return panels.backups();
    }

    @GET
    @Path("migrations")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Migrations panel", description = "{available, items, reason, checked_at}: items is the "
            + "automation service's GET /api/migrations (every migration of every database with a migrations "
            + "location), read like the backups panel; when it cannot be read, available is false and reason says why. "
            + "Always 200 for a viewer.")
    public AutomationPanel migrations() {
        return panels.migrations();
    }
}
