package io.dbautopilot.performance.score;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.support.problem.Problem;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/targets/{id}/health}: the target's health score, categories, grade and every lost point. */
@Path("/api/targets/{id}/health")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class HealthResource {

    private final TargetRegistry targets;
    private final HealthScorer scorer;

    public HealthResource(TargetRegistry targets, HealthScorer scorer) {
        this.targets = targets;
        this.scorer = scorer;
    }

    /** Computes the report now from the latest values, open anomalies and backups seen. */
    @GET
    public HealthReport get(@PathParam("id") String id) {
        if (targets.get(id).isEmpty()) {
            throw new NotFoundException("no target '" + id + "' (see GET /api/targets)");
        }
        return scorer.score(id).orElseThrow(() -> new ServiceUnavailableException(
                "no collection cycle of target '" + id + "' has finished yet: retry in a few seconds", 5L));
    }
}
