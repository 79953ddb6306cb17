package io.dbautopilot.support.health;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * MicroProfile REST client of the other service's {@code GET /health}; built by {@code PeerClients} for {@link PeerHealth}
 * (blocking: called from worker threads only).
 */
@Path("/health")
public interface PeerHealthClient {

    /** The peer's summary; 503 still carries every check. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Response health();
}
