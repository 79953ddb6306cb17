package io.dbautopilot.performance.collect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.performance.engine.Reachability;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Trust;
import io.dbautopilot.performance.fleet.CollectorFleet;
import io.dbautopilot.performance.fleet.Ownership;
import io.dbautopilot.performance.fleet.PartitionOwners;
import io.dbautopilot.performance.fleet.TargetCheck;
import io.dbautopilot.performance.fleet.TargetRegistration;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.fleet.FieldError;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.RegistryUnavailableException;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.problem.Problem;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code /api/targets}: the fleet registry's targets (who owns each, how its last cycle went here), their latest
 * snapshot, and registration (create, replace, remove) for operators.
 */
@Path("/api/targets")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.inject.Singleton
@RolesAllowed(Roles.VIEWER)
public class TargetResource {

    private final TargetStore store;
    private final TargetRegistry targets;
    private final Ownership ownership;
    private final PartitionOwners owners;
    private final CollectorFleet fleet;
    private final TargetRegistration registration;
    private final LatestSnapshots latest;
    private final ObjectMapper mapper;
    private final Engines engines;
    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    public TargetResource(TargetStore store, TargetRegistry targets, Ownership ownership, PartitionOwners owners,
                          CollectorFleet fleet, TargetRegistration registration, LatestSnapshots latest,
                          ObjectMapper mapper, Engines engines) {
        this.engines = engines;
        this.store = store;
        this.targets = targets;
        this.ownership = ownership;
        this.owners = owners;
        this.fleet = fleet;
        this.registration = registration;
        this.latest = latest;
        this.mapper = mapper;
    }

    @GET
    @Operation(summary = "List targets", description = "Every registered target with its owner (instance id), engine, "
            + "labels, source and trust; for those this instance collects, reachability, last cycle and databases.")
    public List<TargetView> list() {
        Map<Integer, String> byPartition = owners.owners();
        return store.all().stream().map(t -> view(t, byPartition)).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One target")
    public TargetView one(@PathParam("id") String id) {
        return view(find(id), owners.owners());
    }

    @GET
    @Path("{id}/snapshot")
    @Operation(summary = "Latest snapshot of a target", description = "The snapshot of the last cycle, as published on "
            + "autopilot.metrics.v1, from the instance that collects the target.")
    public Response snapshot(@PathParam("id") String id) throws JsonProcessingException {
        RegisteredTarget registered = find(id);
        TargetRuntime target = targets.get(id).orElseThrow(() -> ProblemException.notFound("target " + id
                + " is not collected by this instance (" + fleet.instanceId() + ")"
                + ownership.unavailable(id).map(r -> ": " + r)
                        .orElse("; its owner is " + owners.owners().getOrDefault(registered.partition(), "not known yet"))));
        MetricSnapshot snapshot = latest.latest(target.id()).orElseThrow(() -> ProblemException.notFound(
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

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Register a target", description = "Body: a target definition (schema target-definition.v1: "
            + "id, engine, url without credentials, username, credentials_ref env:NAME or file:/path, labels, collection, "
            + "automation, trust). 409 if the id exists. ?check=true connects once first and registers only if that works.")
    public Response create(String body, @QueryParam("check") boolean check, @Context ContainerRequestContext context) {
        TargetDefinition definition = registration.parse(body);
        if (definition.id() == null) {
            throw new TargetRegistration.Invalid(List.of(new FieldError("id", "required")));
        }
        if (registry(() -> store.get(definition.id())).isPresent()) {
            throw ProblemException.conflict("target " + definition.id() + " already exists; PUT /api/targets/"
                    + definition.id() + " replaces it");
        }
        TargetRegistration.Registered done = registry(() -> registration.register(definition, check, Callers.name(context)));
        return Response.status(201).header("Location", "/api/targets/" + definition.id())
                .entity(written(done)).build();
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Register or replace a target", description = "As POST; the id in the path names the target "
            + "(a body id, if any, must be the same).")
    public Response replace(@PathParam("id") String id, String body, @QueryParam("check") boolean check,
                            @Context ContainerRequestContext context) {
        TargetDefinition parsed = registration.parse(body);
        if (parsed.id() != null && !parsed.id().equals(id)) {
            throw new TargetRegistration.Invalid(List.of(new FieldError("id", "'" + parsed.id()
                    + "' differs from the id in the path '" + id + "'")));
        }
        TargetDefinition definition = new TargetDefinition(id, parsed.engine(), parsed.url(), parsed.username(),
                parsed.credentialsRef(), parsed.labels(), parsed.collection(), parsed.automation(), parsed.trust(),
                parsed.source(), parsed.updatedAt(), parsed.updatedBy());
        boolean existed = registry(() -> store.get(id)).isPresent();
        TargetRegistration.Registered done = registry(() -> registration.register(definition, check, Callers.name(context)));
        return (existed ? Response.ok() : Response.status(201).header("Location", "/api/targets/" + id))
                .entity(written(done)).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Remove a target", description = "Writes its tombstone: every instance stops collecting it.")
    public Response remove(@PathParam("id") String id) {
        if (!registry(() -> registration.remove(id))) {
            throw ProblemException.notFound("no target '" + id + "'");
        }
        return Response.noContent().build();
    }

    /** A refused registration: 400 problem+json with every field error (and the failed check). */
    @ServerExceptionMapper
    public Response invalid(TargetRegistration.Invalid e, UriInfo uri) {
        return Response.status(400).type(Problem.MEDIA_TYPE)
                .entity(new InvalidTarget("about:blank", "Bad Request", 400, "invalid target: " + e.getMessage(),
                        uri.getPath(), e.errors(), e.check() == null ? null : CheckView.of(e.check())))
                .build();
    }

    /** Runs a registry read or write; Kafka unavailable becomes 503. */
    private static <T> T registry(Supplier<T> call) {
        try {
            return call.get();
        } catch (RegistryUnavailableException e) {
            throw new ProblemException(503, "Service Unavailable", "the fleet registry (Kafka) is unavailable: "
                    + e.getMessage());
        }
    }

    private Written written(TargetRegistration.Registered done) {
        return new Written(view(done.target(), Map.of()), done.check() == null ? null : CheckView.of(done.check()));
    }

    private record Rendered(MetricSnapshot snapshot, String json) {
    }

    private RegisteredTarget find(String id) {
        return store.get(id).orElseThrow(() -> ProblemException.notFound("no target '" + id + "'; registered targets: "
                + store.all().stream().map(RegisteredTarget::id).toList()));
    }

    private TargetView view(RegisteredTarget registered, Map<Integer, String> byPartition) {
        TargetDefinition d = registered.definition();
        String id = d.id();
        String owner = ownership.owns(id) ? fleet.instanceId() : byPartition.get(registered.partition());
        Map<String, String> capabilities = engines.capabilities(d.engine());
        String unavailable = ownership.unavailable(id).orElse(engines.collector(d.engine()).isPresent() ? null
                : Engines.notCollected(d.engine()));
        TargetRuntime target = targets.get(id).orElse(null);
        MetricSnapshot snapshot = target == null ? null : latest.latest(id).orElse(null);
        TargetView base = new TargetView(id, d.engine(), d.url(), d.labels(), d.source(), d.trust(), owner, unavailable,
                capabilities, null, null, null, target == null ? null : target.databases(), null, null);
        if (snapshot == null) {
            return base;
        }
        boolean reachable = Reachability.reached(snapshot);
        boolean busy = snapshot.findValue("pg_target_busy").orElse(0) == 1;
        return new TargetView(id, d.engine(), d.url(), d.labels(), d.source(), d.trust(), owner, unavailable,
                capabilities, reachable,
                snapshot.collectedAt(), snapshot.collectionDurationMs(), target.databases(), busy, snapshot.families());
    }

    /**
     * A target as the API shows it.
     *
     * @param id              target id
     * @param engine          its engine
     * @param url             where it is (never with credentials)
     * @param labels          its labels
     * @param source          where its definition came from: api, file or properties
     * @param trust           how far automation may act on it
     * @param owner           the instance that collects it; null while no instance holds its partition
     * @param unavailable     why it is not collected, when it is not (e.g. the engine has no collector yet)
     * @param capabilities    per capability of its engine (collection, detection, health, advice): {@code available} or
     *                        {@code unavailable: <reason>}
     * @param reachable       whether the last cycle reached the server; null before the first cycle or elsewhere
     * @param lastCycleAt     when the last cycle started
     * @param lastDurationMs  how long it took
     * @param databases       databases visited by per-database families
     * @param busy            whether heavy families were shed in the last cycle
     * @param families        outcome of each family that was due in the last cycle
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetView(String id, Engine engine, String url, Map<String, String> labels, String source, Trust trust,
                             String owner, String unavailable, Map<String, String> capabilities, Boolean reachable, Instant lastCycleAt,
                             Long lastDurationMs, List<String> databases, Boolean busy, List<FamilyResult> families) {
    }

    /**
     * The answer to a registration.
     *
     * @param target the target as registered
     * @param check  the outcome of {@code ?check=true}, when asked
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Written(TargetView target, CheckView check) {
    }

    /**
     * The outcome of a {@code ?check=true}.
     *
     * @param ok            whether the server answered
     * @param serverVersion its version
     * @param error         why it did not (no stack, no secret)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CheckView(boolean ok, String serverVersion, String error) {
        static CheckView of(TargetCheck.Result r) {
            return new CheckView(r.ok(), r.serverVersion(), r.error());
        }
    }

    /**
     * A refused registration (RFC 9457 with an {@code errors} extension).
     *
     * @param errors every problem, each naming its field
     * @param check  the failed check, when one ran
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InvalidTarget(String type, String title, int status, String detail, String instance,
                                List<FieldError> errors, CheckView check) {
    }
}
