package io.dbautopilot.performance.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.UUID;

/**
 * {@code /api/targets/{id}/benchmarks}: start a benchmark run of a target labelled {@code benchmark=allowed}, follow
 * it, cancel it, name a run the target's baseline.
 */
@Path("/api/targets/{id}/benchmarks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class BenchmarkResource {

    private final BenchmarkRuns runs;
    private final BenchmarkStore store;
    private final BenchmarkConfig config;
    private final ObjectMapper json;

    public BenchmarkResource(BenchmarkRuns runs, BenchmarkStore store, BenchmarkConfig config, ObjectMapper json) {
        this.runs = runs;
        this.store = store;
        this.config = config;
        this.json = json;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Start a benchmark run", description = "Runs the target engine's suite in a scratch database "
            + "(autopilot_bench_<hex>) created and dropped on the target: connection latency, SELECT 1 latency "
            + "(p50/p95/p99), TPC-B-like TPS with 1 and 16 clients, select-only TPS at 1/4/16/64 clients (capped to the "
            + "server's free connections) with the knee, sustained vs peak, single-row and multi-row INSERT and a bulk "
            + "load. PostgreSQL (suite standard-v3): pgbench and COPY; MariaDB (suite mariadb-standard-v2): client "
            + "threads over JDBC and LOAD DATA LOCAL INFILE. Body (optional): {\"step_duration\": \"10s\", "
            + "\"baseline_run_id\": \"<run>\"}. 202 with the run; 409 when the target is not labelled "
            + "benchmark=allowed (checked before any connection), its engine has no benchmarks (e.g. redis), its "
            + "credentials cannot be resolved here or a run is already running; 503 when pgbench is not installed "
            + "(PostgreSQL).")
    public Response start(@PathParam("id") String id, String body, @Context ContainerRequestContext context)
            throws JsonProcessingException {
        BenchmarkRequest request = body == null || body.isBlank() ? BenchmarkRequest.DEFAULTS
                : json.readValue(body, BenchmarkRequest.class);
        BenchmarkRun run = runs.start(id, request == null ? BenchmarkRequest.DEFAULTS : request, Callers.name(context));
        return Response.accepted(run).header("Location", "/api/targets/" + id + "/benchmarks/" + run.id()).build();
    }

    @GET
    @Operation(summary = "Benchmark runs of a target", description = "Newest first, at most autopilot.benchmark.history.")
    public List<BenchmarkRun> list(@PathParam("id") String id) {
        return store.list(id, config.history());
    }

    @GET
    @Path("{run}")
    @Operation(summary = "One benchmark run", description = "Progress while it runs; steps, comparison and regressions once it ended.")
    public BenchmarkRun one(@PathParam("id") String id, @PathParam("run") String run) {
        return find(id, run);
    }

    @DELETE
    @Path("{run}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Cancel a running benchmark", description = "Stops pgbench and drops the scratch database; 202 "
            + "with the run, 409 when it already ended.")
    public Response cancel(@PathParam("id") String id, @PathParam("run") String run) {
        BenchmarkRun found = find(id, run);
        if (!runs.cancel(found.id())) {
            throw ProblemException.conflict("benchmark run " + found.id() + " already ended (" + found.status() + ")");
        }
        return Response.accepted(store.get(found.id()).orElse(found)).build();
    }

    @POST
    @Path("{run}/baseline")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Name a run the target's baseline", description = "Later runs are compared with it (unless a "
            + "request names another); 409 unless it succeeded.")
    public BenchmarkRun baseline(@PathParam("id") String id, @PathParam("run") String run) {
        BenchmarkRun found = find(id, run);
        if (!store.markBaseline(id, found.id())) {
            throw ProblemException.conflict("benchmark run " + found.id() + " is " + found.status()
                    + "; only a succeeded run can be the baseline");
        }
        return store.get(found.id()).orElseThrow();
    }

    private BenchmarkRun find(String target, String run) {
        UUID id;
        try {
            id = UUID.fromString(run);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no benchmark run '" + run + "' of target '" + target + "' (run ids are UUIDs)");
        }
        return store.get(id).filter(r -> r.targetId().equals(target))
                .orElseThrow(() -> ProblemException.notFound("no benchmark run " + id + " of target '" + target + "'"));
    }
}
