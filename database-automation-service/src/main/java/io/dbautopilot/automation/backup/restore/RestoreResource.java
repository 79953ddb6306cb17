package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupCatalog;
import io.dbautopilot.automation.backup.BackupStatus;
import io.dbautopilot.automation.backup.BackupTargets;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The restores API: restore a backup into a new data directory on a free port, follow it, remove it. */
@Path("/api/restores")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class RestoreResource {

    /**
     * Body of {@code POST /api/restores}: {@code backup_id} (or {@code database} = its newest physical backup), optional
     * {@code target_time} (ISO-8601, pgBackRest only), {@code port}, {@code data_directory}, {@code keep_running}
     * (default false: the restored server is stopped after its checks), {@code force} (restore into a non-empty directory), {@code reason}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RestoreRequest(String backupId, String database, String targetTime, Integer port, String dataDirectory,
                                 @Schema(description = "keep the restored server running after its checks; by default "
                                         + "it is stopped and its directory kept", defaultValue = "false")
                                 Boolean keepRunning, Boolean force, String reason) {
    }

    private final RestoreCatalog restores;
    private final RestoreRequests requests;
    private final BackupCatalog backups;
    private final BackupTargets targets;
    private final Restorer restorer;
    private final RestoreDirectories directories;

    public RestoreResource(RestoreCatalog restores, RestoreRequests requests, BackupCatalog backups, BackupTargets targets,
                           Restorer restorer, RestoreDirectories directories) {
        this.directories = directories;
        this.restores = restores;
        this.requests = requests;
        this.backups = backups;
        this.targets = targets;
        this.restorer = restorer;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Restore a backup into a new data directory and port",
            description = "Never over a running target: the directory must be new or empty (force: non-empty allowed, "
                    + "never the managed database's own data directory while it is reachable). The restored server is "
                    + "stopped after its checks unless keep_running is true. 202 with the restore; "
                    + "follow it at /api/restores/{id}.")
    public Response create(RestoreRequest request, @Context ContainerRequestContext context) {
        if (request == null || (request.backupId() == null && request.database() == null)) {
            throw ProblemException.badRequest("a JSON body with 'backup_id' (or 'database' for its newest backup) is required");
        }
        Instant targetTime = null;
        if (request.targetTime() != null) {
            try {
                targetTime = Instant.parse(request.targetTime());
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("field 'target_time': '" + request.targetTime()
                        + "' is not an ISO-8601 instant (e.g. 2026-11-22T18:00:00Z)");
            }
        }
        Backup backup;
        if (request.backupId() != null) {
            UUID id;
            try {
                id = UUID.fromString(request.backupId());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("field 'backup_id': '" + request.backupId() + "' is not a UUID");
            }
            backup = backups.find(id).orElseThrow(() -> ProblemException.badRequest("field 'backup_id': no backup " + id));
        } else {
            Instant before = targetTime;
            backup = (before == null ? requests.latestPhysical(request.database())
                    : requests.latestPointInTimeBase(request.database(), before)).orElseThrow(() -> ProblemException
                    .badRequest("field 'database': no completed " + (before == null ? "physical backup"
                            : "pgbackrest backup completed before " + before) + " of '" + request.database() + "'"));
        }
        if (backup.status() != BackupStatus.COMPLETED) {
            throw ProblemException.conflict("backup " + backup.backupId() + " is " + backup.status().wire()
                    + ": only completed backups are restored");
        }
        if (backup.engine() == EngineKind.PG_DUMP) {
            throw ProblemException.badRequest("backup " + backup.backupId() + " is a logical pg_dump backup: restore it "
                    + "into an existing server with pg_restore -d <database> " + backup.location() + "/*.pgdump");
        }
        if (backup.engine().scratchRestored()) {
            String field = request.port() != null ? "port" : request.dataDirectory() != null ? "data_directory"
                    : Boolean.TRUE.equals(request.keepRunning()) ? "keep_running" : targetTime != null ? "target_time" : null;
            if (field != null) {
                throw ProblemException.badRequest("field '" + field + "': not for " + backup.engine().wire()
                        + " backups: they are restored into a scratch copy (a server on a socket only, or a file) "
                        + "under the service's backup directory, checked and closed");
            }
        }
        if (targetTime != null) {
            if (backup.engine() != EngineKind.PGBACKREST) {
                throw ProblemException.badRequest("field 'target_time': point-in-time restore needs the pgbackrest engine "
                        + "(WAL archive); backup " + backup.backupId() + " is " + backup.engine().wire());
            }
            if (backup.completedAt() != null && targetTime.isBefore(backup.completedAt())) {
                throw ProblemException.badRequest("field 'target_time': " + targetTime + " is before backup "
                        + backup.backupId() + " completed (" + backup.completedAt() + "); choose an earlier backup, "
                        + "or give only 'database' to restore from the newest backup completed before that time");
            }
        }
        if (request.port() != null) {
            if (request.port() < 1024 || request.port() > 65535) {
                throw ProblemException.badRequest("field 'port' must be between 1024 and 65535");
            }
            if (!ScratchCluster.portFree(request.port())) {
                throw ProblemException.conflict("field 'port': " + request.port() + " is in use; choose a free port or omit it");
            }
        }
        boolean force = Boolean.TRUE.equals(request.force());
        String dataDirectory = null;
        if (request.dataDirectory() != null) {
            java.nio.file.Path dir = java.nio.file.Path.of(request.dataDirectory().replace('\0', '?')).normalize();
            // the configured data-directory without connecting, else what the reachable source reports
            var source = targets.sourceDataDirectory(backup.databaseId());
            if (dir.isAbsolute() && source.isPresent() && dir.equals(java.nio.file.Path.of(source.get()).normalize())) {
                throw ProblemException.conflict("field 'data_directory' is the data directory of the managed database '"
                        + backup.databaseId() + "': a restore never goes over a running target's own data directory; "
                        + "choose a new directory (or omit data_directory)");
            }
            try {
                dataDirectory = directories.check(request.dataDirectory(), force).toString();
            } catch (RestoreDirectories.Refused e) {
                throw new ProblemException(e.status(), e.status() == 409 ? "Conflict" : "Bad Request",
                        "field 'data_directory': " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw ProblemException.badRequest("field 'data_directory': cannot be resolved: " + e.getMessage());
            }
        }
        String caller = Callers.name(context);
        RestoreRequests.Requested r = requests.request(backup, "restore", dataDirectory, request.port(),
                targetTime, Boolean.TRUE.equals(request.keepRunning()), caller,
                "restore of backup " + backup.backupId() + " requested by " + caller
                        + (request.reason() == null ? "" : ": " + request.reason()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restore", r.restore());
        body.put("operation_id", r.operation().id());
        return Response.status(202).entity(body).header("Location", "/api/restores/" + r.restore().restoreId()).build();
    }

    @GET
    @Operation(summary = "List restores and drills", description = "Newest first; filter by database and kind (restore, drill).")
    public List<Restore> list(@QueryParam("database") String database, @QueryParam("kind") String kind,
                              @QueryParam("limit") Integer limit) {
        if (kind != null && !List.of("restore", "drill").contains(kind)) {
            throw ProblemException.badRequest("query parameter 'kind': '" + kind + "' is not one of restore, drill");
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw ProblemException.badRequest("query parameter 'limit' must be between 1 and 1000");
        }
        return restores.list(database, kind, n);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One restore: status, data directory, port, measured RTO and checks")
    public Restore get(@PathParam("id") String id) {
        return restores.find(uuid(id)).orElseThrow(() -> ProblemException.notFound("no restore " + id));
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}")
    @Operation(summary = "Stop a kept restore's server and remove the directory the service created")
    public Restore remove(@PathParam("id") String id) {
        Restore r = restores.find(uuid(id)).orElseThrow(() -> ProblemException.notFound("no restore " + id));
        if (!"succeeded".equals(r.status()) && !"failed".equals(r.status())) {
            throw ProblemException.conflict("restore " + id + " is " + r.status() + ": only finished restores are removed");
        }
        try {
            return restorer.remove(r);
        } catch (IOException e) {
            throw new ProblemException(500, "Internal Server Error", "could not stop or remove restore " + id + ": "
                    + e.getMessage());
        }
    }


    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("'" + id + "' is not a restore id (a UUID)");
        }
    }
}
