package io.dbautopilot.performance.dashboard;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;
import java.util.Map;

/** {@code /api/live}: the numbers behind the dashboard's live charts, as a history and as a server-sent event stream. */
@Path("/api/live")
@RolesAllowed(Roles.VIEWER)
public class DashboardResource {

    private final LiveFeed feed;

    public DashboardResource(LiveFeed feed) {
        this.feed = feed;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recent live samples", description = "Per target, the samples of the last cycles, oldest first; "
            + "with target=<id> (repeatable) only those targets' (what the fleet view's detail needs).")
    public Map<String, List<LiveSample>> history(@QueryParam("target") List<String> targets) {
        return targets == null || targets.isEmpty() ? feed.history() : feed.history(targets);
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live samples as server-sent events", description = "One event per target and collection cycle.")
    public Multi<LiveSample> stream() {
        return feed.stream();
    }
}
