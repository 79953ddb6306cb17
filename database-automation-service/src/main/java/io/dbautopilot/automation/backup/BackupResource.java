package io.dbautopilot.automation.backup;

import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.support.access.Callers;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.Operation;
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

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The backups API: the catalog, engines and their tools, and requests for backups and verifications. */
@Path("/api/backups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class BackupResource {

    /** Body of {@code POST /api/backups}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BackupRequest(String database, String type, String engine, String reason) {
    }

    private final BackupCatalog catalog;
    private final BackupRequests requests;
    private final BackupTools tools;
    private final BackupEngines engines;
    private final ManagedDatabases databases;
    private final BackupOverview overview;

    public BackupResource(BackupCatalog catalog, BackupRequests requests, BackupTools tools, BackupEngines engines,
                          ManagedDatabases databases, BackupOverview overview) {
        this.catalog = catalog;
        this.requests = requests;
        this.tools = tools;
        this.engines = engines;
        this.databases = databases;
        this.overview = overview;
    }

    @GET
    @Path("overview")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Where each database's backups stand",
            description = "Per managed database (or ?database=): the newest completed backup and its age, the RPO, the "
                    + "next scheduled backup and every schedule's next run, and the newest restore drill with its RTO.")
    public List<BackupOverview.Line> overview(@QueryParam("database") String database) {
        if (database != null && !databases.exists(database)) {
            throw new ProblemException(404, "Not Found", "query parameter 'database': '" + database
                    + "' is not a managed database (one of " + databases.ids() + ")");
        }
        return overview.lines(database, java.time.Instant.now());
    }

    @GET
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "List backups",
            description = "Newest first; filter by database, type (full, differential, incremental, logical) and status "
                    + "(running, completed, failed, expired, corrupt).")
    public List<Backup> list(@QueryParam("database") String database, @QueryParam("type") String type,
                             @QueryParam("status") String status, @QueryParam("limit") Integer limit) {
        if (type != null && BackupType.parse(type).isEmpty()) {
            throw ProblemException.badRequest("query parameter 'type': '" + type
                    + "' is not one of full, differential, incremental, logical");
        }
        if (status != null && BackupStatus.parse(status).isEmpty()) {
            throw ProblemException.badRequest("query parameter 'status': '" + status
                    + "' is not one of running, completed, failed, expired, corrupt");
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw ProblemException.badRequest("query parameter 'limit' must be between 1 and 1000");
        }
        return catalog.list(database, type == null ? null : BackupType.parse(type).get().wire(), status, n);
    }

    @GET
    @Path("/engines")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Backup engines",
            description = "Whether each engine's tools are installed, their version, how to install missing ones and "
                    + "which database engines it backs up; a database engine no backup engine serves is listed with "
                    + "unavailable and the reason.")
    public List<EngineView> engines() {
        List<EngineView> out = new java.util.ArrayList<>();
        java.util.Set<io.dbautopilot.model.Engine> served = java.util.EnumSet.noneOf(io.dbautopilot.model.Engine.class);
        for (BackupTools.EngineAvailability a : tools.engines()) {
            List<io.dbautopilot.model.Engine> dbs = engines.get(a.engine()) == null ? List.of()
                    : List.copyOf(new java.util.TreeSet<>(engines.get(a.engine()).databaseEngines()));
            served.addAll(dbs);
            out.add(new EngineView(a.engine(), dbs, a.available(), a.tools(), a.missing(), a.version(), a.install(),
                    a.available() ? null : "unavailable: " + String.join(", ", a.missing()) + " not installed"));
        }
        for (io.dbautopilot.model.Engine db : List.of(io.dbautopilot.model.Engine.MYSQL,
                io.dbautopilot.model.Engine.MARIADB)) {
            if (!served.contains(db)) {
                out.add(new EngineView(null, List.of(db), false, java.util.Map.of(), List.of(), null, null,
                        "unavailable: engine " + db.wire() + " has no backup engine yet (mariadb-dump / mariadb-backup "
                                + "are not built)"));
            }
        }
        return out;
    }

    /**
     * One entry of {@code GET /api/backups/engines}: a backup engine with its tools, or (engine null) a database
     * engine no backup engine serves, with why.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EngineView(EngineKind engine, List<io.dbautopilot.model.Engine> databaseEngines, boolean available,
                             java.util.Map<String, String> tools, List<String> missing, String version, String install,
                             String unavailable) {
    }

    @GET
    @Path("/{id}")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "One backup, with progress while it runs")
    public Backup get(@PathParam("id") String id) {
        return catalog.find(uuid(id)).orElseThrow(() -> ProblemException.notFound("no backup " + id));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Request a backup",
            description = "Body: {\"database\", optional \"type\" (full, differential, incremental, logical), \"engine\" "
                    + "(pgbackrest, pg_basebackup, pg_dump; mariadb_dump, mariadb_backup for MySQL / MariaDB; redis_rdb for Redis) and \"reason\"}. Creates a backup operation (202); follow it "
                    + "at /api/operations/{id}; the backup appears in /api/backups when it starts.")
    public Response create(BackupRequest request, @Context ContainerRequestContext context) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON request body is required: {\"database\", \"type\", \"engine\"}");
        }
        if (request.database() == null || !databases.exists(request.database())) {
            throw ProblemException.badRequest("field 'database': '" + request.database() + "' is not a managed database "
                    + "(one of " + databases.ids() + ")");
        }
        requests.unavailable(request.database()).ifPresent(why -> {
            throw ProblemException.conflict("backups of '" + request.database() + "' are unavailable: " + why);
        });
        BackupType type = null;
        if (request.type() != null) {
            type = BackupType.parse(request.type()).orElseThrow(() -> ProblemException.badRequest("field 'type': '"
                    + request.type() + "' is not one of full, differential, incremental, logical"));
        }
        EngineKind engine;
        if (request.engine() != null) {
            engine = EngineKind.parse(request.engine()).orElseThrow(() -> ProblemException.badRequest("field 'engine': '"
                    + request.engine() + "' is not one of pgbackrest, pg_basebackup, pg_dump, mariadb_dump, mariadb_backup, redis_rdb"));
        } else {
            try {
                engine = engines.configured(request.database()).orElse(null);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest(e.getMessage());
            }
        }
        if (engine == null) {
            // chosen when the backup runs, from what is installed and what the target supports (WAL archiving…)
            if (!engines.anyInstalled()) {
                throw new ProblemException(503, "Service Unavailable", "no backup engine is installed on the service's "
                        + "machine. Install one: " + EngineKind.PG_DUMP.install());
            }
        } else {
            BackupTools.EngineAvailability a = tools.engine(engine);
            if (!a.available()) {
                throw new ProblemException(503, "Service Unavailable", "backup engine " + engine.wire()
                        + " is unavailable: " + String.join(", ", a.missing())
                        + " not installed on the service's machine. Install: " + a.install());
            }
        }
        if (engine != null && engines.get(engine) != null) {
            io.dbautopilot.model.Engine dbEngine = databases.engineOf(request.database())
                    .orElse(io.dbautopilot.model.Engine.POSTGRESQL);
            if (!engines.get(engine).databaseEngines().contains(dbEngine)) {
                throw ProblemException.badRequest("field 'engine': " + engine.wire() + " does not back up "
                        + dbEngine.wire() + " databases ('" + request.database() + "' is " + dbEngine.wire() + ")");
            }
        }
        if (engine != null && type != null && !typeFits(engine, type)) {
            throw ProblemException.badRequest("field 'type': engine " + engine.wire() + " cannot take " + type.wire()
                    + " backups (pgbackrest: full, differential, incremental; pg_basebackup: full (incremental on "
                    + "PostgreSQL 17+); pg_dump: logical; mariadb_backup: full, incremental; mariadb_dump: logical; redis_rdb: full; "
                    + "sqlite_vacuum_into: full)");
        }
        String caller = Callers.name(context);
        String reason = "requested by " + caller + (request.reason() == null ? "" : ": " + request.reason());
        Operation op = requests.backup(request.database(), type, request.engine() == null ? null : engine, caller, reason);
        return Response.status(202).entity(op).header("Location", "/api/operations/" + op.id()).build();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/verify")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Verify a stored backup again",
            description = "Creates a backup_verify operation (202); a failed verification marks the backup corrupt.")
    public Response verify(@PathParam("id") String id, @Context ContainerRequestContext context) {
        Backup b = catalog.find(uuid(id)).orElseThrow(() -> ProblemException.notFound("no backup " + id));
        if (b.status() != BackupStatus.COMPLETED && b.status() != BackupStatus.CORRUPT) {
            throw ProblemException.conflict("backup " + id + " is " + b.status().wire()
                    + ": only completed or corrupt backups can be verified");
        }
        Operation op = requests.verify(b, Callers.name(context));
        return Response.status(202).entity(op).header("Location", "/api/operations/" + op.id()).build();
    }

    private static boolean typeFits(EngineKind engine, BackupType type) {
        return switch (engine) {
            case PGBACKREST -> type != BackupType.LOGICAL;
            case PG_BASEBACKUP -> type == BackupType.FULL || type == BackupType.INCREMENTAL;
            case PG_DUMP, MARIADB_DUMP -> type == BackupType.LOGICAL;
            case MARIADB_BACKUP -> type == BackupType.FULL || type == BackupType.INCREMENTAL;
            case REDIS_RDB -> type == BackupType.FULL;
            case SQLITE_VACUUM_INTO -> type == BackupType.FULL;
        };
    }


    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("'" + id + "' is not a backup id (a UUID)");
        }
    }

    static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
