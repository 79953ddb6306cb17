package io.dbautopilot.automation.tune;

import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.regex.Pattern;

/** {@code GET /api/targets/{id}/tune-baselines}: the named before/after workload baselines of a target's tunes. */
@Path("/api/targets/{id}/tune-baselines")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class TuneBaselineResource {

    private static final Pattern ID = Pattern.compile(TargetDefinition.ID_PATTERN);
    private static final Pattern NAME = Pattern.compile("tune-[a-z0-9_.]{1,63}-[0-9a-f-]{36}-(before|after)");

    private final TuneBaselines baselines;

    public TuneBaselineResource(TuneBaselines baselines) {
        this.baselines = baselines;
    }

    @GET
    @Operation(summary = "Named baselines of a target's tunes",
            description = "Newest first: tune-<setting>-<operation id>-before (the window measured before the setting "
                    + "changed) and -after (the window the verification judged); limit 1 to 1000, default 100.")
    public List<TuneBaseline> list(@PathParam("id") String id, @QueryParam("limit") Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw ProblemException.badRequest("query parameter 'limit' must be between 1 and 1000");
        }
        return baselines.list(target(id), null, n);
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One named tune baseline")
    public TuneBaseline get(@PathParam("id") String id, @PathParam("name") String name) {
        if (!NAME.matcher(name).matches()) {
            throw ProblemException.badRequest("path parameter 'name' is not a tune baseline name "
                    + "(tune-<setting>-<operation id>-before|after)");
        }
        return baselines.list(target(id), name, 1).stream().findFirst().orElseThrow(() -> ProblemException.notFound(
                "no tune baseline '" + name + "' of target '" + id + "' (see GET /api/targets/" + id
                        + "/tune-baselines)"));
    }

    private static String target(String id) {
        if (!ID.matcher(id).matches()) {
            throw ProblemException.badRequest("path parameter 'id' is not a target id (" + TargetDefinition.ID_PATTERN + ")");
        }
        return id;
    }
}
