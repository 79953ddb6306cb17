package io.dbautopilot.automation.stop;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.regex.Pattern;

/** The emergency stop API: put a global or per-target stop in force, read and lift it. */
@Path("/api/emergency-stop")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class EmergencyStopResource {

    private static final Pattern ID = Pattern.compile(TargetDefinition.ID_PATTERN);
    private static final int MAX_REASON = 1000;

    /** Body of a stop: an optional target (none: every target) and the reason. */
    public record StopRequest(String target, String reason) {
    }

    /** The stops in force. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Status(boolean active, List<EmergencyStop> stops) {
    }

    private final EmergencyStopControl control;

    public EmergencyStopResource(EmergencyStopControl control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "Emergency stops in force", description = "Global and per target; empty when none.")
    public Status get() {
        List<EmergencyStop> stops = control.list();
        return new Status(!stops.isEmpty(), stops);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Put an emergency stop in force",
            description = "Body: {\"target\" (optional; none stops every target), \"reason\"}. New operations are "
                    + "refused (recorded as cancelled and published), waiting ones cancelled, running ones cancelled on "
                    + "the target. Persisted until lifted with DELETE.")
    public EmergencyStopControl.Activation stop(StopRequest request, @Context ContainerRequestContext context) {
        if (request == null) {
            throw ProblemException.badRequest("request body is required: {\"target\" (optional), \"reason\"}");
        }
        String target = target(request.target(), "field 'target'");
        String reason = request.reason();
        if (reason == null || reason.isBlank()) {
            throw ProblemException.badRequest("field 'reason' is required (why the automation must stop)");
        }
        if (reason.length() > MAX_REASON) {
            throw ProblemException.badRequest("field 'reason' is longer than " + MAX_REASON + " characters");
        }
        if (reason.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t')) {
            throw ProblemException.badRequest("field 'reason' contains control characters");
        }
        return control.activate(target, reason.strip(), Callers.name(context));
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Lift an emergency stop", description = "?target=<id> lifts that target's stop; without it, "
            + "the global one. Operations refused or cancelled meanwhile stay cancelled; new work resumes.")
    public EmergencyStop lift(@QueryParam("target") String target, @Context ContainerRequestContext context) {
        return control.lift(target(target, "query parameter 'target'"), Callers.name(context));
    }

    private static String target(String target, String what) {
        if (target == null || target.isEmpty()) {
            return null;
        }
        if (!ID.matcher(target).matches()) {
            throw ProblemException.badRequest(what + " is not a target id (" + TargetDefinition.ID_PATTERN + ")");
        }
        return target;
    }
}
