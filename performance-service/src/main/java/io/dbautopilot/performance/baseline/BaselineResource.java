package io.dbautopilot.performance.baseline;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.support.problem.Problem;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** {@code /api/targets/{id}/baselines}: capture the key figures under a name, list, compare two (or one with now). */
@Path("/api/targets/{id}/baselines")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class BaselineResource {

    /** Name given to the current figures in comparisons. */
    static final String NOW = "now";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * A capture request.
     *
     * @param name       the baseline's name: 1–64 of letters, digits, '.', '_', '-' (not {@code now})
     * @param comment    why (optional, at most 500 characters)
     * @param capturedBy who (default "api")
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NewBaseline(String name, String comment, String capturedBy) {
    }

    private final TargetRegistry targets;
    private final KeyFigures figures;
    private final BaselineStore store;
    private final BaselinesConfig config;

    public BaselineResource(TargetRegistry targets, KeyFigures figures, BaselineStore store, BaselinesConfig config) {
        this.targets = targets;
        this.figures = figures;
        this.store = store;
        this.config = config;
    }

    /** The target's baselines, newest first. */
    @GET
    public List<Baseline> list(@PathParam("id") String id) {
        known(id);
        return store.list(id);
    }

    /** Captures the target's key figures now under a name; 201 with the baseline, 409 if the name is taken. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response capture(@PathParam("id") String id, NewBaseline body) {
        known(id);
        if (body == null || body.name() == null || !NAME.matcher(body.name()).matches()) {
            throw new BadRequestException("'name' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter"
                    + " or digit (was " + (body == null ? "missing" : body.name() == null ? "missing" : "'" + body.name() + "'") + ")");
        }
        if (NOW.equals(body.name())) {
            throw new BadRequestException("'now' is reserved for the current figures in comparisons: choose another name");
        }
        if (body.comment() != null && body.comment().length() > 500) {
            throw new BadRequestException("'comment' must be at most 500 characters");
        }
        KeyFigures.Taken taken = current(id);
        String by = body.capturedBy() == null || body.capturedBy().isBlank() ? "api" : body.capturedBy();
        Baseline b = new Baseline(id, body.name(), Instant.now(), taken.snapshotAt(), by, body.comment(), taken.figures(),
                taken.figuresAt());
        if (!store.insert(b)) {
            throw new ClientErrorException("target '" + id + "' already has a baseline named '" + body.name()
                    + "': choose another name", Response.Status.CONFLICT);
        }
        return Response.status(201).entity(b).build();
    }

    /** Compares two baselines, or a baseline with {@code now}; {@code to} defaults to {@code now}. */
    @GET
    @Path("/compare")
    public BaselineComparison compare(@PathParam("id") String id, @QueryParam("from") String from,
                                      @QueryParam("to") String to) {
        known(id);
        if (from == null || from.isBlank()) {
            throw new BadRequestException("'from' is required: a baseline name or 'now' (see GET /api/targets/" + id
                    + "/baselines)");
        }
        String t = to == null || to.isBlank() ? NOW : to;
        return BaselineComparison.of(id, resolve(id, from), resolve(id, t), config.regressionTolerancePercent());
    }

    private Baseline resolve(String id, String name) {
        if (NOW.equals(name)) {
            KeyFigures.Taken taken = current(id);
            return new Baseline(id, NOW, Instant.now(), taken.snapshotAt(), null, null, taken.figures(), taken.figuresAt());
        }
        return store.get(id, name).orElseThrow(() -> new NotFoundException("target '" + id + "' has no baseline named '"
                + name + "' (see GET /api/targets/" + id + "/baselines; the newest " + config.keep() + " are kept)"));
    }

    private KeyFigures.Taken current(String id) {
        return figures.now(id).orElseThrow(() -> new ServiceUnavailableException(
                "no collection cycle of target '" + id + "' has finished yet: retry in a few seconds", 5L));
    }

    private void known(String id) {
        if (targets.get(id).isEmpty()) {
            throw new NotFoundException("no target '" + id + "' (see GET /api/targets)");
        }
    }
}
