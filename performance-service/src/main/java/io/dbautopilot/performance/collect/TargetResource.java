package io.dbautopilot.performance.collect;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.MetricSnapshot;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /api/targets}: the monitored targets, how their last cycle went, and their latest snapshot. */
@Path("/api/targets")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.inject.Singleton
@RolesAllowed(Roles.VIEWER)
public class TargetResource {

    private final TargetRegistry targets;
    private final LatestSnapshots latest;
    private final ObjectMapper mapper;
    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    public TargetResource(TargetRegistry targets, LatestSnapshots latest, ObjectMapper mapper) {
        this.targets = targets;
        this.latest = latest;
        this.mapper = mapper;
    }

    @GET
    @Operation(summary = "List targets", description = "Every configured target with reachability, last cycle and databases.")
    public List<TargetView> list() {
        return targets.all().stream().map(this::view).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One target")
    public TargetView one(@PathParam("id") String id) {
        return view(find(id));
    }

    @GET
    @Path("{id}/snapshot")
    @Operation(summary = "Latest snapshot of a target", description = "The snapshot of the last cycle, as published on autopilot.metrics.v1.")
    public Response snapshot(@PathParam("id") String id) throws JsonProcessingException {
        TargetRuntime target = find(id);
        MetricSnapshot snapshot = latest.latest(target.id()).orElseThrow(() -> new NotFoundException(
                "target " + id + " has not completed a collection cycle yet; try again after its interval ("
                        + target.config().interval() + ")"));
        // a snapshot of thousands of tables is megabytes of JSON: serialise each snapshot once, however often polled
        Rendered cached = rendered.get(target.id());
        if (cached == null || cached.snapshot() != snapshot) {
            cached = new Rendered(snapshot, mapper.writeValueAsString(snapshot));
            rendered.put(target.id(), cached);
        }
        return Response.ok(cached.json(), MediaType.APPLICATION_JSON).build();
    }

    private record Rendered(MetricSnapshot snapshot, String json) {
    }

    private TargetRuntime find(String id) {
        return targets.get(id).orElseThrow(() -> new NotFoundException("no target '" + id + "'; configured targets: "
                + targets.all().stream().map(TargetRuntime::id).toList()));
    }

    private TargetView view(TargetRuntime target) {
        MetricSnapshot snapshot = latest.latest(target.id()).orElse(null);
        if (snapshot == null) {
            return new TargetView(target.id(), null, null, null, target.databases(), null, null);
        }
        boolean reachable = snapshot.findValue("pg_up").orElse(0) == 1;
        boolean busy = snapshot.findValue("pg_target_busy").orElse(0) == 1;
        return new TargetView(target.id(), reachable, snapshot.collectedAt(), snapshot.collectionDurationMs(),
                target.databases(), busy, snapshot.families());
    }

    /**
     * A target as the API shows it.
     *
     * @param id              configured target id
     * @param reachable       whether the last cycle reached the server; null before the first cycle
     * @param lastCycleAt     when the last cycle started
     * @param lastDurationMs  how long it took
     * @param databases       databases visited by per-database families
     * @param busy            whether heavy families were shed in the last cycle
     * @param families        outcome of each family that was due in the last cycle
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetView(String id, Boolean reachable, Instant lastCycleAt, Long lastDurationMs,
                             List<String> databases, Boolean busy, List<FamilyResult> families) {
    }
}
