package io.dbautopilot.performance.detect.api;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.support.problem.Problem;
import io.dbautopilot.performance.detect.suppression.MaintenanceWindow;
import io.dbautopilot.performance.detect.suppression.MaintenanceWindowStore;
import io.dbautopilot.performance.detect.suppression.MaintenanceWindows;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code /api/maintenance-windows}: list (configured and API ones, with whether active now), create, delete. */
@Path("/api/maintenance-windows")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class MaintenanceWindowResource {

    /**
     * A new window.
     *
     * @param name      short name (required)
     * @param targetId  target, or null for every target
     * @param rule      rule/detector, exact or {@code ~regex}, or null for every rule
     * @param cron      5-field Unix cron of the start times, e.g. {@code 0 2 * * SUN}
     * @param duration  length of each occurrence, e.g. {@code 2h}
     * @param timeZone  zone of the cron expression (default UTC)
     * @param comment   why
     * @param createdBy who (default "api")
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NewWindow(String name, String targetId, String rule, String cron, String duration, String timeZone,
                            String comment, String createdBy) {
    }

    /** A window as listed: its definition, whether an occurrence is active now (since when) and the next start. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WindowView(String id, String name, String source, String targetId, String rule, String cron,
                             String duration, String timeZone, String comment, String createdBy, Instant createdAt,
                             boolean activeNow, Instant activeSince, Instant nextStart) {
        static WindowView of(MaintenanceWindow w, Instant now) {
            Instant since = w.activeSince(now).orElse(null);
            return new WindowView(w.id(), w.name(), w.source(), w.targetId(), w.rule(), w.cron(), w.duration(),
                    w.timeZone(), w.comment(), w.createdBy(), w.createdAt(), since != null, since,
                    w.nextStart(now).orElse(null));
        }
    }

    private final MaintenanceWindows windows;
    private final MaintenanceWindowStore store;

    public MaintenanceWindowResource(MaintenanceWindows windows, MaintenanceWindowStore store) {
        this.windows = windows;
        this.store = store;
    }

    /** Every window. */
    @GET
    public List<WindowView> list() {
        Instant now = Instant.now();
        return windows.all().stream().map(w -> WindowView.of(w, now)).toList();
    }

    /** One window. */
    @GET
    @Path("/{id}")
    public WindowView get(@PathParam("id") String id) {
        return windows.all().stream().filter(w -> w.id().equals(id)).findFirst()
                .map(w -> WindowView.of(w, Instant.now())).orElseThrow(() -> notFound(id));
    }

    /** Creates a window; 201 with it. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewWindow body) {
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 200) {
            throw new BadRequestException("'name' is required (at most 200 characters)");
        }
        if (body.cron() == null || body.duration() == null) {
            throw new BadRequestException("'cron' (e.g. \"0 2 * * SUN\") and 'duration' (e.g. \"2h\") are required");
        }
        String zone = body.timeZone() == null || body.timeZone().isBlank() ? "UTC" : body.timeZone();
        String target = body.targetId() == null || body.targetId().isBlank() ? null : body.targetId();
        String rule = body.rule() == null || body.rule().isBlank() ? null : body.rule();
        MaintenanceWindow.problem(body.cron(), body.duration(), zone, rule).ifPresent(p -> {
            throw new BadRequestException(p);
        });
        String by = body.createdBy() == null || body.createdBy().isBlank() ? "api" : body.createdBy();
        MaintenanceWindow w = store.create(new MaintenanceWindow(UUID.randomUUID().toString(), body.name(), "api",
                target, rule, body.cron(), body.duration(), zone, body.comment(), by, Instant.now()));
        windows.changed();
        return Response.status(201).entity(WindowView.of(w, Instant.now())).build();
    }

    /** Deletes an API window (configured ones live in the configuration); held anomalies still open are then published. */
    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        if (id.startsWith("config:") && windows.all().stream().anyMatch(w -> w.id().equals(id))) {
            throw new ClientErrorException("maintenance window '" + id + "' comes from the configuration "
                    + "(autopilot.detection.maintenance-windows." + id.substring(7) + ".*): remove it there", 409);
        }
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
        if (!store.delete(id)) {
            throw notFound(id);
        }
        windows.changed();
        return Response.noContent().build();
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no maintenance window with id '" + id + "' (see GET /api/maintenance-windows)");
    }
}
