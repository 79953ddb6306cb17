package io.dbautopilot.performance.health;

import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.problem.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/health/database}, {@code /performance} and {@code /partitions}: the fleet's database health, its
 * performance against the latest baselines, and its partitioned tables, each for every target or one
 * ({@code ?target=}). Targets another instance collects are listed with their owner and what it last stored.
 */
@Path("/api/health")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class HealthApiResource {

    private static final String TARGET = "only this target (404 when no instance knows it); default: every target";

    private final HealthTargets targets;
    private final DatabaseHealthReader database;
    private final PerformanceHealthReader performance;
    private final PartitionInspection partitions;

    public HealthApiResource(HealthTargets targets, DatabaseHealthReader database, PerformanceHealthReader performance,
                             PartitionInspection partitions) {
        this.targets = targets;
        this.database = database;
        this.performance = performance;
        this.partitions = partitions;
    }

    @GET
    @Path("database")
    @Operation(summary = "Database health of every target", description = "Per target: status (up, down, unknown), "
            + "connections used against the maximum, buffer cache hit ratio (worst database, last interval, and per "
            + "database), slow statements and the longest running query, database sizes, health score and grade. "
            + "Targets collected by another instance show the status, score and grade their owner last stored.")
    public DatabaseHealth.Answer database(@Parameter(description = TARGET) @QueryParam("target") String target) {
        List<HealthTargets.Scoped> scope = targets.select(target);
        return new DatabaseHealth.Answer(targets.instance(), Instant.now(), database.read(scope));
    }

    @GET
    @Path("performance")
    @Operation(summary = "Performance against the latest baseline", description = "Per target: its key figures now "
            + "against its latest named baseline, figure by figure, regressions flagged (a figure that moved the bad "
            + "way by at least autopilot.baselines.regression-tolerance-percent), as GET /api/targets/{id}/baselines/"
            + "compare?from=<latest> shows them.")
    public PerformanceHealth.Answer performance(@Parameter(description = TARGET) @QueryParam("target") String target) {
        List<HealthTargets.Scoped> scope = targets.select(target);
        List<PerformanceHealth> rows = performance.read(scope);
        return new PerformanceHealth.Answer(targets.instance(), Instant.now(), performance.tolerancePct(),
                rows.stream().filter(r -> "regressed".equals(r.status())).map(PerformanceHealth::target).toList(), rows);
    }

    @GET
    @Path("partitions")
    @Operation(summary = "Partitioned tables of every target", description = "Per partitioned table of each database "
            + "the collector visits: coverage around now (covered since / until, partitions behind and ahead), gaps "
            + "between partitions and the periods missing there, how far back the partitions reach, storage per "
            + "partition and in all. Read from the catalog when asked (one short session per database).")
    public PartitionSetHealth.Answer partitions(@Parameter(description = TARGET) @QueryParam("target") String target) {
        List<HealthTargets.Scoped> scope = targets.select(target);
        return new PartitionSetHealth.Answer(targets.instance(), Instant.now(), partitions.read(scope));
    }
}
