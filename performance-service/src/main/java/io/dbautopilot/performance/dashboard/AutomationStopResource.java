package io.dbautopilot.performance.dashboard;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /api/automation/emergency-stop}: the automation service's emergency stop, for the dashboard's banner. */
@Path("/api/automation/emergency-stop")
@RolesAllowed(Roles.VIEWER)
public class AutomationStopResource {

    private final AutomationStopReader reader;

    public AutomationStopResource(AutomationStopReader reader) {
        this.reader = reader;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Emergency stop of the automation service", description = "Read from the automation "
            + "service's /health (autopilot.dashboard.automation-url): state active, inactive, unknown (not readable) "
            + "or not_configured, with the global flag, the stopped targets and the reasons.")
    public AutomationStop get() {
        return reader.read();
    }
}
