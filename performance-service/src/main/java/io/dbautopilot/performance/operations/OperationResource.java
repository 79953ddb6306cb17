package io.dbautopilot.performance.operations;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.support.problem.Problem;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/** {@code GET /api/operations}: recent operation events and the operations running now, per target or for all. */
@Path("/api/operations")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class OperationResource {

    /**
     * The timeline.
     *
     * @param target  the target asked for, null for all
     * @param running latest event of each operation running now (started / progress)
     * @param pending latest event of each requested or deferred operation
     * @param events  recent events, newest first
     */
    public record Timeline(String target, List<OperationEntry> running, List<OperationEntry> pending,
                           List<OperationEntry> events) {
    }

    private final OperationTimeline timeline;
    public OperationResource(OperationTimeline timeline) {
        this.timeline = timeline;
    }

    /** Recent events (newest first, at most {@code limit}, default 50) and running operations. */
    @GET
    public Timeline get(@QueryParam("target") String target, @RestQuery Integer limit) {
        String t = target == null || target.isBlank() ? null : target;
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 5000) {
            throw new BadRequestException("limit must be between 1 and 5000, was " + n);
        }
        return new Timeline(t, timeline.running(t), timeline.pending(t), timeline.recent(t, n));
    }
}
