package io.dbautopilot.performance.advise;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.performance.collect.TargetRegistry;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** {@code GET /api/targets/{id}/recommendations}: a target's advisor recommendations from the state database. */
@Path("/api/targets/{id}/recommendations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class RecommendationResource {

    private final TargetRegistry targets;
    private final RecommendationStore store;

    public RecommendationResource(TargetRegistry targets, RecommendationStore store) {
        this.targets = targets;
        this.store = store;
    }

    @GET
    @Operation(summary = "Recommendations of a target",
            description = "Advisor findings (missing/unused/duplicate/invalid indexes, vacuum, configuration, security) "
                    + "with evidence, suggested SQL or setting, estimated benefit, risk and whether they need approval. "
                    + "status=active (default), withdrawn or all.")
    public List<Recommendation> list(@PathParam("id") String id, @QueryParam("status") @DefaultValue("active") String status) {
        if (targets.get(id).isEmpty()) {
            throw new NotFoundException("no target '" + id + "'; configured targets: "
                    + targets.all().stream().map(t -> t.id()).toList());
        }
        String filter = switch (status) {
            case "active" -> Recommendation.ACTIVE;
            case "withdrawn" -> Recommendation.WITHDRAWN;
            case "all" -> null;
            default -> throw new BadRequestException("query parameter 'status' must be active, withdrawn or all, not '"
                    + status + "'");
        };
        return store.list(id, filter);
    }
}
