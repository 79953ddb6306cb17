package io.dbautopilot.automation.migration;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.flywaydb.core.api.FlywayException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The migrations API: status, validation and dry runs of managed databases' migrations; apply and undo as operations. */
@Path("/api/migrations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class MigrationResource {

    private final MigrationCatalog catalog;
    private final MigrationRequests requests;
    private final MigrationFlyway flyways;
    private final ManagedDatabases databases;

    public MigrationResource(MigrationCatalog catalog, MigrationRequests requests, MigrationFlyway flyways,
                             ManagedDatabases databases) {
        this.catalog = catalog;
        this.requests = requests;
        this.flyways = flyways;
        this.databases = databases;
    }

    @GET
    @Operation(summary = "Migration status", description = "Every migration (pending, completed, failed, undone) of one "
            + "database (?database=) or of every database with a migrations location.")
    public List<MigrationStatus> list(@QueryParam("database") String database) {
        List<String> ids = new ArrayList<>();
        if (database != null && !database.isBlank()) {
            requests.requireConfigured(database);
            ids.add(database);
        } else {
            ids.addAll(flyways.ids());
        }
        List<MigrationStatus> out = new ArrayList<>();
        for (String id : ids) {
            out.addAll(flyway(id, () -> catalog.status(id)));
        }
        return out;
    }

    @GET
    @Path("/{database}/validate")
    @Operation(summary = "Validate applied migrations", description = "Checksums of applied scripts against the files "
            + "(a mismatch names the file and both checksums; never repaired), missing and failed migrations.")
    public ValidationReport validate(@PathParam("database") String database) {
        requests.requireConfigured(database);
        return flyway(database, () -> catalog.validate(database));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{database}/dry-run")
    @Operation(summary = "Dry run", description = "The migrations an apply would run, in order, with their SQL; body "
            + "optional: {\"target_version\": \"3\"}.")
    public DryRun dryRun(@PathParam("database") String database, MigrationRequests.Request request) {
        requests.requireConfigured(database);
        String target = request == null ? null : request.targetVersion();
        if (target != null) {
            try {
                org.flywaydb.core.api.MigrationVersion.fromVersion(target);
            } catch (RuntimeException e) {
                throw ProblemException.badRequest("field 'target_version': '" + target + "' is not a migration version");
            }
        }
        return flyway(database, () -> catalog.dryRun(database, target));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{database}/apply")
    @Operation(summary = "Apply migrations", description = "Creates a migrate operation (202, Location: the operation); "
            + "body optional: {\"target_version\": \"3\", \"mode\": \"auto|window|approval\", \"reason\": \"...\"}.")
    public Response apply(@PathParam("database") String database, MigrationRequests.Request request,
                          @Context ContainerRequestContext context) {
        return accepted(requests.manual(database, OperationType.MIGRATE, request, Callers.name(context)));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{database}/undo")
    @Operation(summary = "Undo migrations", description = "Creates a migrate_undo operation running the U scripts of "
            + "the applied versions above to_version (default: the latest one only); body optional: {\"to_version\": \"2\"}.")
    public Response undo(@PathParam("database") String database, MigrationRequests.Request request,
                         @Context ContainerRequestContext context) {
        return accepted(requests.manual(database, OperationType.MIGRATE_UNDO, request, Callers.name(context)));
    }

    private static Response accepted(io.dbautopilot.automation.operation.Operation op) {
        return Response.status(202).entity(op).header("Location", "/api/operations/" + op.id()).build();
    }

    private <T> T flyway(String database, Supplier<T> work) {
        try {
            return work.get();
        } catch (FlywayException e) {
            throw new ProblemException(503, "Service Unavailable", "Flyway could not read the migrations of '" + database
                    + "' (" + databases.settings(database).url() + ", " + flyways.location(database).orElse("?") + "): "
                    + e.getMessage());
        }
    }

}
