package io.dbautopilot.performance.detect.api;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.support.problem.Problem;
import io.dbautopilot.performance.detect.suppression.Silence;
import io.dbautopilot.performance.detect.suppression.SilenceStore;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code /api/silences}: list, create (matchers + expiry) and delete silences. */
@Path("/api/silences")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class SilenceResource {

    /**
     * A new silence.
     *
     * @param matchers  target / rule / object / severity to exact value or ~regex
     * @param comment   why
     * @param createdBy who (default "api")
     * @param expiresAt until when; or
     * @param duration  for how long from now, e.g. {@code 2h}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NewSilence(Map<String, String> matchers, String comment, String createdBy, Instant expiresAt,
                             String duration) {
    }

    private final SilenceStore store;

    public SilenceResource(SilenceStore store) {
        this.store = store;
    }

    /** Active silences (with {@code expired=true}, expired ones too). */
    @GET
    public List<Silence> list(@QueryParam("expired") boolean expired) {
        return store.list(Instant.now(), expired);
    }

    /** Creates a silence; 201 with the silence. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewSilence body) {
        if (body == null || body.matchers() == null || body.matchers().isEmpty()) {
            throw new BadRequestException("'matchers' must map at least one of " + Silence.KEYS + " to a value or ~regex");
        }
        for (Map.Entry<String, String> m : body.matchers().entrySet()) {
            if (!Silence.KEYS.contains(m.getKey())) {
                throw new BadRequestException("unknown matcher '" + m.getKey() + "' (use " + Silence.KEYS + ")");
            }
            if (m.getValue() == null || m.getValue().isBlank()) {
                throw new BadRequestException("matcher '" + m.getKey() + "' needs a value");
            }
            if (m.getValue().startsWith("~")) {
                try {
                    Pattern.compile(m.getValue().substring(1));
                } catch (PatternSyntaxException e) {
                    throw new BadRequestException("matcher '" + m.getKey() + "': bad regex: " + e.getDescription());
                }
            }
        }
        Instant now = Instant.now();
        Instant expires = body.expiresAt();
        if (body.duration() != null) {
            if (expires != null) {
                throw new BadRequestException("give either 'expires_at' or 'duration', not both");
            }
            Duration d;
            try {
                d = DurationConverter.parseDuration(body.duration());
            } catch (RuntimeException e) {
                throw new BadRequestException("bad duration '" + body.duration() + "' (use e.g. 30m, 2h, 1d)");
            }
            if (d == null || d.isNegative() || d.isZero()) {
                throw new BadRequestException("bad duration '" + body.duration() + "' (must be positive)");
            }
            expires = now.plus(d);
        }
        if (expires == null || !expires.isAfter(now)) {
            throw new BadRequestException("'expires_at' (or 'duration') must lie in the future");
        }
        String by = body.createdBy() == null || body.createdBy().isBlank() ? "api" : body.createdBy();
        Silence s = store.create(body.matchers(), body.comment(), by, now, expires);
        return Response.status(201).entity(s).build();
    }

    /** Deletes a silence; anomalies it held that are still open are then published. */
    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no silence with id '" + id + "'");
        }
        if (!store.delete(id)) {
            throw new NotFoundException("no silence with id '" + id + "'");
        }
        return Response.noContent().build();
    }
}
