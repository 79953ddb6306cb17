package io.dbautopilot.performance.detect.api;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.model.Severity;
import io.dbautopilot.support.problem.Problem;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.util.List;

/** {@code /api/anomalies}: list (filter by target, state, severity), one by fingerprint, acknowledge. */
@Path("/api/anomalies")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class AnomalyResource {

    /** An acknowledgement. @param by who acknowledges (free text; default "api") */
    public record Ack(String by) {
    }

    private final AnomalyStore store;

    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public AnomalyResource(AnomalyStore store, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** Anomalies, newest change first; {@code state} is pending, open or resolved. */
    @GET
    public List<AnomalyRecord> list(@QueryParam("target") String target, @QueryParam("state") String state,
                                    @QueryParam("severity") String severity, @RestQuery Integer limit) {
        AnomalyStatus status = null;
        if (state != null && !state.isBlank()) {
            status = AnomalyStatus.parse(state);
            if (status == null) {
                throw new BadRequestException("unknown state '" + state + "' (use pending, open or resolved)");
            }
        }
        Severity sev = null;
        if (severity != null && !severity.isBlank()) {
            try {
                sev = Severity.fromWire(severity);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("unknown severity '" + severity + "' (use info, warning, critical or emergency)");
            }
        }
        int n = limit == null ? 500 : limit;
        if (n < 1 || n > 5000) {
            throw new BadRequestException("limit must be between 1 and 5000, was " + n);
        }
        return store.list(target == null || target.isBlank() ? null : target, status, sev, n);
    }

    /** One anomaly. */
    @GET
    @Path("/{fingerprint}")
    public AnomalyRecord get(@PathParam("fingerprint") String fingerprint) {
        return store.get(fingerprint).orElseThrow(() -> notFound(fingerprint));
    }

    /** Acknowledges an anomaly (recorded with who and when; cleared if it re-opens). */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{fingerprint}/ack")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public AnomalyRecord ack(@PathParam("fingerprint") String fingerprint, String raw) {
        // read as text and parsed here: an empty body of any declared type means "no body" (the REST layer answered
        // an empty text/plain body for a JSON parameter with a bare 400 no mapper saw; found by ApiFuzzTest)
        Ack body = raw == null || raw.isBlank() ? null : parse(raw);
        String by = body == null || body.by() == null || body.by().isBlank() ? "api" : body.by();
        if (by.length() > 200) {
            throw new BadRequestException("'by' must be at most 200 characters");
        }
        return store.acknowledge(fingerprint, by, Instant.now()).orElseThrow(() -> notFound(fingerprint));
    }

    private Ack parse(String raw) {
        try {
            return json.readValue(raw, Ack.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestException("request body must be {\"by\": \"<who>\"} or empty: " + e.getOriginalMessage());
        }
    }

    private static NotFoundException notFound(String fingerprint) {
        return new NotFoundException("no anomaly with fingerprint '" + fingerprint + "' (see GET /api/anomalies)");
    }
}
