package io.dbautopilot.performance.dashboard;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * MicroProfile REST client of the automation service's read API the dashboard's panels and stop banner show,
 * built by {@code PeerClients} for {@link AutomationPanels} and {@link AutomationStopReader} (blocking: called from worker threads only); a null key sends none.
 */
public interface AutomationApiClient {

    /** Where each database's backups stand. */
    @GET
    @Path("/api/backups/overview")
    @Produces(MediaType.APPLICATION_JSON)
    Response backups(@HeaderParam("X-API-Key") String key);

    /** The emergency stops in force, with their targets and reasons. */
    @GET
    @Path("/api/emergency-stop")
    @Produces(MediaType.APPLICATION_JSON)
    Response emergencyStops(@HeaderParam("X-API-Key") String key);

    /** Every migration of every database with a migrations location. */
    @GET
    @Path("/api/migrations")
    @Produces(MediaType.APPLICATION_JSON)
    Response migrations(@HeaderParam("X-API-Key") String key);
}
