package io.dbautopilot.automation.partition;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** {@code GET /api/partitions}: health of every configured range-partitioned table. */
@Path("/api/partitions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class PartitionResource {

    private final PartitionUpkeep upkeep;

    public PartitionResource(PartitionUpkeep upkeep) {
        this.upkeep = upkeep;
    }

    @GET
    @Operation(summary = "Partition health", description = "Per configured table: partitions, coverage ahead, periods "
            + "missing a partition and partitions beyond retention.")
    public List<PartitionHealth> list() {
        return upkeep.health();
    }
}
