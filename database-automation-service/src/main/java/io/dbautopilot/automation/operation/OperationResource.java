package io.dbautopilot.automation.operation;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.support.problem.ProblemException;
import io.dbautopilot.automation.state.StateTransactions;
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

import java.util.List;
import java.util.UUID;

/** The operations API: list and inspect operations, request manual maintenance, approve and cancel. */
@Path("/api/operations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class OperationResource {

    private final StateTransactions transactions;
    private final OperationStore store;
    private final OperationRequests requests;

    public OperationResource(StateTransactions transactions, OperationStore store, OperationRequests requests) {
        this.transactions = transactions;
        this.store = store;
        this.requests = requests;
    }

    @GET
    @Operation(summary = "List operations", description = "Newest first; filter by database, status and type.")
    public List<io.dbautopilot.automation.operation.Operation> list(@QueryParam("database") String database,
                                                                    @QueryParam("status") String status,
                                                                    @QueryParam("type") String type,
                                                                    @QueryParam("limit") Integer limit) {
        if (status != null && OperationStatus.parse(status).isEmpty()) {
            throw ProblemException.badRequest("query parameter 'status': '" + status + "' is not one of pending, deferred, "
                    + "awaiting_approval, running, succeeded, failed, cancelled, would_run");
        }
        if (type != null && OperationType.parse(type).isEmpty()) {
            throw ProblemException.badRequest("query parameter 'type': '" + type + "' is not one of " + OperationType.names());
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw ProblemException.badRequest("query parameter 'limit' must be between 1 and 1000");
        }
        return transactions.inTransaction(tx -> store.list(tx, database, status, type, n));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One operation")
    public io.dbautopilot.automation.operation.Operation get(@PathParam("id") String id) {
        UUID uuid = uuid(id);
        return transactions.inTransaction(tx -> store.find(tx, uuid))
                .orElseThrow(() -> ProblemException.notFound("no operation " + id));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Request manual maintenance",
            description = "Body: {\"database\", \"type\" (vacuum, vacuum_freeze, analyze, reindex, terminate), \"object\" "
                    + "(schema.table, schema.index or a pid), optional \"mode\" (auto, window, approval) and \"reason\"}. "
                    + "The object is checked against the database's catalog. Type tune: \"object\" is a reload-only "
                    + "setting and \"value\" its new value, checked against pg_settings; it waits for approval by default.")
    public Response create(OperationRequests.Manual request, @Context ContainerRequestContext context) {
        io.dbautopilot.automation.operation.Operation op = requests.createManual(request, Callers.name(context));
        return Response.status(201).entity(op).header("Location", "/api/operations/" + op.id()).build();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/approve")
    @Operation(summary = "Approve an operation waiting for approval")
    public io.dbautopilot.automation.operation.Operation approve(@PathParam("id") String id,
                                                                 @Context ContainerRequestContext context) {
        return requests.approve(uuid(id), Callers.name(context));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel an operation", description = "A running operation's backend is cancelled on the target.")
    public Response cancel(@PathParam("id") String id, @Context ContainerRequestContext context) {
        io.dbautopilot.automation.operation.Operation op = requests.cancel(uuid(id), Callers.name(context));
        return Response.status(op.status() == OperationStatus.RUNNING ? 202 : 200).entity(op).build();
    }


    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("'" + id + "' is not an operation id (a UUID)");
        }
    }
}
