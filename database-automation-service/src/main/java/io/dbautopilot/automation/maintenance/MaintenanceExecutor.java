package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Executes one claimed operation on its target: checks preconditions, runs the statement with {@code lock_timeout}
 * (retried with back-off, then deferred) and {@code statement_timeout} (capped by the time budget), and measures
 * the effect before and after. Identifiers come only from {@link CatalogObjects}.
 */
@ApplicationScoped
public class MaintenanceExecutor implements OperationExecutor {

    private static final Set<OperationType> TYPES = java.util.EnumSet.of(OperationType.VACUUM,
            OperationType.VACUUM_FREEZE, OperationType.ANALYZE, OperationType.REINDEX, OperationType.CREATE_INDEX,
            OperationType.DROP_INDEX, OperationType.TERMINATE_IDLE, OperationType.CANCEL_QUERY, OperationType.TERMINATE,
            OperationType.PARTITION_CREATE, OperationType.PARTITION_DETACH, OperationType.PARTITION_DROP);

    /** The statements PostgreSQL reports progress for (pg_stat_progress_*), watched while they run. */
    private static final Set<OperationType> WATCHED = java.util.EnumSet.of(OperationType.VACUUM,
            OperationType.VACUUM_FREEZE, OperationType.ANALYZE, OperationType.REINDEX, OperationType.CREATE_INDEX);

    private static final Logger LOG = Logger.getLogger(MaintenanceExecutor.class);

    private final ManagedDatabases databases;
    private final CatalogObjects catalog;
    private final Preconditions preconditions;
    private final OperationsConfig config;
    private final PartitionInspector partitions;
    private final MaintenanceProgress progress;

    public MaintenanceExecutor(ManagedDatabases databases, CatalogObjects catalog, Preconditions preconditions,
                               OperationsConfig config, PartitionInspector partitions, MaintenanceProgress progress) {
        this.databases = databases;
        this.catalog = catalog;
        this.preconditions = preconditions;
        this.config = config;
        this.partitions = partitions;
        this.progress = progress;
    }

    @Override
    public Set<OperationType> types() {
        return TYPES;
    }

    /** Runs the operation once; never throws for target-side problems (they become the outcome). */
    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        if (!databases.exists(op.targetId())) {
            return new Outcome.Failed("database '" + op.targetId() + "' is not configured (autopilot.databases."
                    + op.targetId() + ".url)", Map.of());
        }
        ManagedDatabasesConfig.Database settings = databases.settings(op.targetId());
        try (Connection c = databases.connect(op.targetId(), "op:" + op.id())) {
            int pid = scalarInt(c, "SELECT pg_backend_pid()");
            ctx.backendStarted(pid);
            stopEarlierBackends(c, op);
            if (op.heavy()) {
                Optional<String> unsafe = preconditions.check(c, settings);
                if (unsafe.isPresent()) {
                    return new Outcome.Deferred(unsafe.get(), Map.of("cause", "precondition"));
                }
            }
            try (MaintenanceProgress.Watch watch = WATCHED.contains(op.type())
                    ? progress.watch(ctx, op.targetId(), pid) : null) {
                return dispatch(c, ctx, op, settings);
            }
        } catch (LockUnavailable e) {
            return new Outcome.Deferred(e.getMessage(), e.details);
        } catch (SQLException e) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while running: " + e.getMessage());
            }
            if ("57014".equals(e.getSQLState())) {
                return new Outcome.Failed("statement_timeout (capped by the time budget of "
                        + config.timeBudget() + "): " + e.getMessage(), Map.of());
            }
            return new Outcome.Failed("SQLSTATE " + e.getSQLState() + ": " + e.getMessage(), Map.of());
        } catch (BudgetExhausted e) {
            return new Outcome.Failed(e.getMessage(), Map.of());
        }
    }

    private Outcome dispatch(Connection c, ExecutionContext ctx, Operation op, ManagedDatabasesConfig.Database settings)
            throws SQLException {
        return switch (op.type()) {
            case VACUUM -> vacuum(c, ctx, settings, false);
            case VACUUM_FREEZE -> vacuum(c, ctx, settings, true);
            case ANALYZE -> analyze(c, ctx, settings);
            case REINDEX -> reindex(c, ctx, settings);
            case CREATE_INDEX -> createIndex(c, ctx, settings);
            case DROP_INDEX -> dropIndex(c, ctx, settings);
            case TERMINATE_IDLE -> sessions(c, op, true);
            case CANCEL_QUERY -> sessions(c, op, false);
            case TERMINATE -> terminate(c, op);
            case PARTITION_CREATE -> partitionCreate(c, ctx, settings);
            case PARTITION_DETACH -> partitionRetention(c, ctx, settings, false);
            case PARTITION_DROP -> partitionRetention(c, ctx, settings, true);
            default -> new Outcome.Failed("not a maintenance operation: " + op.type().wire(), Map.of());
        };
    }

    /** An interrupted earlier attempt's backend may still be running the statement: stop it before running again. */
    private static void stopEarlierBackends(Connection c, Operation op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                 WHERE application_name = ? AND pid <> pg_backend_pid()""")) {
            ps.setString(1, op.applicationName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LOG.warnf("Operation %s: terminated backend %d left by an earlier attempt", op.id(), rs.getInt(1));
                }
            }
        }
    }

    private Outcome vacuum(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s, boolean freeze)
            throws SQLException {
        Operation op = ctx.operation();
        if (freeze && op.object() == null) {
            long before = scalarLong(c, "SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()");
            String sql = "VACUUM (FREEZE)";
            run(c, ctx, s, sql, null, op.targetId());
            long after = scalarLong(c, "SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()");
            return verified(after < before || after == 0, sql, Map.of("datfrozenxid_age_before", before,
                    "datfrozenxid_age_after", after), "database XID age did not drop");
        }
        Optional<CatalogObject> table = catalog.find(c, op.object(), CatalogObjects.TABLES);
        if (table.isEmpty()) {
            return new Outcome.Failed("table " + op.object() + " no longer exists in " + op.targetId(), Map.of());
        }
        CatalogObject t = table.get();
        if (freeze) {
            long before = relLong(c, "SELECT age(relfrozenxid) FROM pg_class WHERE oid = ?", t.oid());
            String sql = "VACUUM (FREEZE, ANALYZE) " + t.quoted();
            run(c, ctx, s, sql, t.oid(), t.qualified());
            long after = relLong(c, "SELECT age(relfrozenxid) FROM pg_class WHERE oid = ?", t.oid());
            return verified(after < before || after == 0, sql, Map.of("relfrozenxid_age_before", before,
                    "relfrozenxid_age_after", after), "relfrozenxid age did not drop");
        }
        long before = deadTuples(c, t.oid());
        String sql = "VACUUM (ANALYZE) " + t.quoted();
        run(c, ctx, s, sql, t.oid(), t.qualified());
        long after = deadTuples(c, t.oid());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("n_dead_tup_before", before);
        effect.put("n_dead_tup_after", after);
        return verified(after < before || (before == 0 && after == 0), sql, effect,
                "dead tuples did not drop (an old snapshot, e.g. a long transaction or a replication slot, holds them)");
    }

    private Outcome analyze(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s) throws SQLException {
        Operation op = ctx.operation();
        Optional<CatalogObject> table = catalog.find(c, op.object(), CatalogObjects.TABLES);
        if (table.isEmpty()) {
            return new Outcome.Failed("table " + op.object() + " no longer exists in " + op.targetId(), Map.of());
        }
        CatalogObject t = table.get();
        Timestamp before = lastAnalyze(c, t.oid());
        String sql = "ANALYZE " + t.quoted();
        run(c, ctx, s, sql, t.oid(), t.qualified());
        Timestamp after = lastAnalyze(c, t.oid());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("last_analyze_before", before == null ? null : before.toInstant().toString());
        effect.put("last_analyze_after", after == null ? null : after.toInstant().toString());
        return verified(after != null && (before == null || after.after(before)), sql, effect, "last_analyze did not move");
    }

    private Outcome reindex(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s) throws SQLException {
        Operation op = ctx.operation();
        Optional<CatalogObject> index = catalog.find(c, op.object(), CatalogObjects.INDEXES);
        if (index.isEmpty()) {
            return new Outcome.Failed("index " + op.object() + " no longer exists in " + op.targetId(), Map.of());
        }
        CatalogObject i = index.get();
        long before = relLong(c, "SELECT pg_relation_size(?::oid)", i.oid());
        List<String> droppedBefore = dropCcnewLeftovers(c, ctx, s, i);
        String sql = "REINDEX INDEX CONCURRENTLY " + i.quoted();
        try {
            run(c, ctx, s, sql, i.tableOid(), i.qualified());
        } catch (SQLException | LockUnavailable e) {
            dropCcnewLeftovers(c, ctx, s, i);
            throw e;
        }
        CatalogObject rebuilt = catalog.find(c, i.qualified(), CatalogObjects.INDEXES).orElseThrow(
                () -> new SQLException("index " + i.qualified() + " vanished during REINDEX"));
        long after = relLong(c, "SELECT pg_relation_size(?::oid)", rebuilt.oid());
        List<String> droppedAfter = dropCcnewLeftovers(c, ctx, s, rebuilt);
        boolean valid = relLong(c, "SELECT count(*) FROM pg_index WHERE indexrelid = ? AND indisvalid", rebuilt.oid()) == 1;
        long invalidLeft = relLong(c, """
                SELECT count(*) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                 WHERE x.indrelid = ? AND NOT x.indisvalid AND ic.relname LIKE '%\\_ccnew%'""", rebuilt.tableOid());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("size_bytes_before", before);
        effect.put("size_bytes_after", after);
        effect.put("shrank", after < before);
        List<String> dropped = new ArrayList<>(droppedBefore);
        dropped.addAll(droppedAfter);
        effect.put("dropped_ccnew_leftovers", dropped);
        effect.put("invalid_ccnew_left", invalidLeft);
        effect.put("index_valid", valid);
        return verified(valid && invalidLeft == 0 && after <= before, sql, effect,
                "after REINDEX the index is " + (valid ? "valid" : "INVALID") + ", " + invalidLeft
                        + " invalid _ccnew index(es) are left and the size went " + before + " -> " + after + " bytes");
    }

    private List<String> dropCcnewLeftovers(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s,
                                            CatalogObject index) throws SQLException {
        List<String> leftovers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT format('%I.%I', n.nspname, ic.relname)
                  FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
                 WHERE x.indrelid = ? AND NOT x.indisvalid AND ic.relname LIKE '%\\_ccnew%'
                   AND starts_with(ic.relname, left(?, 50))""")) {
            ps.setLong(1, index.tableOid());
            ps.setString(2, index.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leftovers.add(rs.getString(1));
                }
            }
        }
        for (String quoted : leftovers) {
            run(c, ctx, s, "DROP INDEX CONCURRENTLY IF EXISTS " + quoted, index.tableOid(), quoted);
            LOG.infof("Dropped invalid leftover index %s of a failed concurrent build", quoted);
        }
        return leftovers;
    }

    /**
     * CREATE INDEX CONCURRENTLY over columns looked up in {@code pg_attribute} (quoted by the server). An invalid
     * index of the same name, left by an interrupted earlier attempt, is dropped first; a valid one means an
     * earlier attempt finished and is reported as such.
     */
    private Outcome createIndex(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s) throws SQLException {
        Operation op = ctx.operation();
        Optional<CatalogObject> table = catalog.find(c, op.object(), CatalogObjects.TABLES);
        if (table.isEmpty()) {
            return new Outcome.Failed("table " + op.object() + " does not exist in " + op.targetId(), Map.of());
        }
        CatalogObject t = table.get();
        if (!(op.parameters().get("columns") instanceof List<?> names) || names.isEmpty()) {
            return new Outcome.Failed("operation has no 'columns' parameter (a non-empty list of column names)", Map.of());
        }
        List<String> columns = new ArrayList<>();
        List<String> quotedColumns = new ArrayList<>();
        for (Object name : names) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT attname, quote_ident(attname) FROM pg_attribute
                     WHERE attrelid = ? AND attname = ? AND attnum > 0 AND NOT attisdropped""")) {
                ps.setLong(1, t.oid());
                ps.setString(2, String.valueOf(name));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Outcome.Failed("column '" + name + "' does not exist in table " + t.qualified(), Map.of());
                    }
                    columns.add(rs.getString(1));
                    quotedColumns.add(rs.getString(2));
                }
            }
        }
        String indexName = indexName(t.name(), columns);
        String quotedIndex;
        String quotedIndexName;
        Long existingOid = null;
        boolean existingValid = false;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT format('%I.%I', ?::text, ?::text), ic.oid, x.indisvalid, x.indrelid, format('%I', ?::text)
                  FROM (SELECT 1) one
                  LEFT JOIN pg_class ic ON ic.relname = ?
                        AND ic.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
                  LEFT JOIN pg_index x ON x.indexrelid = ic.oid""")) {
            ps.setString(1, t.schema());
            ps.setString(2, indexName);
            ps.setString(3, indexName);
            ps.setString(4, indexName);
            ps.setString(5, t.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                quotedIndex = rs.getString(1);
                quotedIndexName = rs.getString(5);
                if (rs.getObject(2) != null) {
                    if (rs.getObject(4) == null || rs.getLong(4) != t.oid()) {
                        return new Outcome.Failed("relation " + t.schema() + "." + indexName
                                + " exists and is not an index of " + t.qualified(), Map.of());
                    }
                    existingOid = rs.getLong(2);
                    existingValid = rs.getBoolean(3);
                }
            }
        }
        // the index name is never schema-qualified: it is created in the table's schema
        String sql = "CREATE INDEX CONCURRENTLY " + quotedIndexName + " ON " + t.quoted() + " ("
                + String.join(", ", quotedColumns) + ")";
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("index", t.schema() + "." + indexName);
        effect.put("columns", columns);
        if (existingOid != null && existingValid) {
            effect.put("already_existed", true);
            return verified(true, sql, withSize(c, effect, t.oid(), indexName), "");
        }
        if (existingOid != null) {
            run(c, ctx, s, "DROP INDEX CONCURRENTLY IF EXISTS " + quotedIndex, t.oid(), quotedIndex);
            effect.put("dropped_invalid_leftover", true);
            LOG.infof("Operation %s: dropped invalid index %s left by an earlier attempt", op.id(), quotedIndex);
        }
        run(c, ctx, s, sql, t.oid(), t.qualified());
        return verified(indexValid(c, t.oid(), indexName), sql, withSize(c, effect, t.oid(), indexName),
                "no valid index " + indexName + " on " + t.qualified() + " after the build");
    }

    private static String indexName(String table, List<String> columns) {
        String name = table + "_" + String.join("_", columns) + "_idx";
        while (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static boolean indexValid(Connection c, long tableOid, String indexName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                 WHERE x.indrelid = ? AND x.indisvalid AND ic.relname = ?""")) {
            ps.setLong(1, tableOid);
            ps.setString(2, indexName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == 1;
            }
        }
    }

    private static Map<String, Object> withSize(Connection c, Map<String, Object> effect, long tableOid, String indexName)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_relation_size(ic.oid) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                 WHERE x.indrelid = ? AND ic.relname = ?""")) {
            ps.setLong(1, tableOid);
            ps.setString(2, indexName);
            try (ResultSet rs = ps.executeQuery()) {
                effect.put("size_bytes", rs.next() ? rs.getLong(1) : null);
            }
        }
        return effect;
    }

    private Outcome dropIndex(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s) throws SQLException {
        Operation op = ctx.operation();
        Optional<CatalogObject> index = catalog.find(c, op.object(), CatalogObjects.INDEXES);
        if (index.isEmpty()) {
            return new Outcome.Failed("index " + op.object() + " does not exist in " + op.targetId(), Map.of());
        }
        CatalogObject i = index.get();
        long size = relLong(c, "SELECT pg_relation_size(?::oid)", i.oid());
        String sql = "DROP INDEX CONCURRENTLY " + i.quoted();
        run(c, ctx, s, sql, i.tableOid(), i.qualified());
        boolean gone = relLong(c, "SELECT count(*) FROM pg_class WHERE oid = ?", i.oid()) == 0;
        return verified(gone, sql, Map.of("size_bytes_freed", size, "index_gone", gone), "the index still exists");
    }

    private Outcome sessions(Connection c, Operation op, boolean terminateIdle) throws SQLException {
        Object limitValue = op.parameters().get("limit_seconds");
        if (!(limitValue instanceof Number limit)) {
            return new Outcome.Failed("operation has no limit_seconds parameter", Map.of());
        }
        String select = terminateIdle ? """
                SELECT pid, usename, application_name, extract(epoch FROM now() - state_change)::bigint, query_start
                  FROM pg_stat_activity
                 WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                   AND state IN ('idle in transaction', 'idle in transaction (aborted)')
                   AND now() - state_change > ?::interval AND application_name NOT LIKE 'db-autopilot-automation%'"""
                : """
                SELECT pid, usename, application_name, extract(epoch FROM now() - query_start)::bigint, query_start
                  FROM pg_stat_activity
                 WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                   AND state = 'active' AND now() - query_start > ?::interval
                   AND application_name NOT LIKE 'db-autopilot-automation%'""";
        List<Map<String, Object>> acted = new ArrayList<>();
        List<Integer> pids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, limit.longValue() + " seconds");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("pid", rs.getInt(1));
                    s.put("usename", rs.getString(2));
                    s.put("application_name", rs.getString(3));
                    s.put(terminateIdle ? "idle_seconds" : "running_seconds", rs.getLong(4));
                    acted.add(s);
                    pids.add(rs.getInt(1));
                }
            }
        }
        String fn = terminateIdle ? "SELECT pg_terminate_backend(?, 5000)" : "SELECT pg_cancel_backend(?)";
        for (Map<String, Object> s : acted) {
            try (PreparedStatement ps = c.prepareStatement(fn)) {
                ps.setInt(1, (Integer) s.get("pid"));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    s.put(terminateIdle ? "terminated" : "cancelled", rs.getBoolean(1));
                }
            }
        }
        long remaining = 0;
        for (int i = 0; i < 20; i++) {
            remaining = stillThere(c, pids, terminateIdle, limit.longValue());
            if (remaining == 0) {
                break;
            }
            sleep(Duration.ofMillis(250));
        }
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("limit_seconds", limit.longValue());
        effect.put("sessions", acted);
        effect.put("sessions_still_over_limit", remaining);
        String what = terminateIdle ? "pg_terminate_backend on sessions idle in transaction > " + limit + " s"
                : "pg_cancel_backend on queries running > " + limit + " s";
        return verified(remaining == 0, what, effect, remaining + " session(s) are still over the limit");
    }

    private static long stillThere(Connection c, List<Integer> pids, boolean terminateIdle, long limit) throws SQLException {
        if (pids.isEmpty()) {
            return 0;
        }
        String sql = terminateIdle ? "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?)"
                : "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?) AND state = 'active' AND now() - query_start > ?::interval";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
            if (!terminateIdle) {
                ps.setString(2, limit + " seconds");
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Outcome terminate(Connection c, Operation op) throws SQLException {
        int pid;
        try {
            pid = Integer.parseInt(op.object());
        } catch (NumberFormatException | NullPointerException e) {
            return new Outcome.Failed("object '" + op.object() + "' is not a backend pid", Map.of());
        }
        if (!catalog.isClientBackend(c, pid)) {
            return new Outcome.Failed("pid " + pid + " is not a client backend of " + op.targetId() + " (any more)", Map.of());
        }
        boolean signalled;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                signalled = rs.getBoolean(1);
            }
        }
        long left = stillThere(c, List.of(pid), true, 0);
        return verified(left == 0, "pg_terminate_backend(" + pid + ")", Map.of("pid", pid, "terminated", signalled,
                "backend_gone", left == 0), "backend " + pid + " is still there");
    }

    private Optional<ManagedDatabasesConfig.PartitionedTable> partitionSet(Operation op,
                                                                           ManagedDatabasesConfig.Database settings) {
        Object name = op.parameters().get("partition_set");
        return name == null ? Optional.empty() : Optional.ofNullable(settings.partitions().get(name.toString()));
    }

    private Outcome partitionCreate(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s) throws SQLException {
        Operation op = ctx.operation();
        ManagedDatabasesConfig.PartitionedTable cfg = partitionSet(op, s).orElse(null);
        if (cfg == null) {
            return new Outcome.Failed("partition set " + op.parameters().get("partition_set") + " is not configured for "
                    + op.targetId(), Map.of());
        }
        PartitionInspector.Inspection before = partitions.inspect(c, cfg);
        if (before.problem() != null) {
            return new Outcome.Failed(before.problem(), Map.of());
        }
        CatalogObject parent = before.table().orElseThrow();
        java.time.Instant now = java.time.Instant.now();
        List<PartitionInspector.Period> missing = PartitionInspector.missingAhead(cfg, before.partitions(), now);
        List<String> created = new ArrayList<>();
        for (PartitionInspector.Period period : missing) {
            String name = PartitionInspector.partitionName(parent.name(), cfg.interval(), period.from());
            String sql;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', ?, ?, ?, ?, ?)")) {
                ps.setString(1, parent.schema());
                ps.setString(2, name);
                ps.setString(3, parent.quoted());
                ps.setString(4, PartitionInspector.bound(before.keyType(), period.from()));
                ps.setString(5, PartitionInspector.bound(before.keyType(), period.to()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    sql = rs.getString(1);
                }
            }
            run(c, ctx, s, sql, parent.oid(), parent.qualified());
            created.add(parent.schema() + "." + name + " " + period);
        }
        PartitionInspector.Inspection after = partitions.inspect(c, cfg);
        List<PartitionInspector.Period> stillMissing = PartitionInspector.missingAhead(cfg, after.partitions(), now);
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("partitions_before", before.partitions().size());
        effect.put("partitions_after", after.partitions().size());
        effect.put("created", created);
        effect.put("covered_until", String.valueOf(PartitionInspector.coveredUntil(cfg, after.partitions(), now)));
        effect.put("missing_ahead_after", stillMissing.stream().map(Object::toString).toList());
        return verified(stillMissing.isEmpty(), "CREATE TABLE ... PARTITION OF " + parent.quoted() + " x" + created.size(),
                effect, "periods still without a partition: " + stillMissing);
    }

    private Outcome partitionRetention(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s, boolean drop)
            throws SQLException {
        Operation op = ctx.operation();
        ManagedDatabasesConfig.PartitionedTable cfg = partitionSet(op, s).orElse(null);
        if (cfg == null) {
            return new Outcome.Failed("partition set " + op.parameters().get("partition_set") + " is not configured for "
                    + op.targetId(), Map.of());
        }
        PartitionInspector.Inspection before = partitions.inspect(c, cfg);
        if (before.problem() != null) {
            return new Outcome.Failed(before.problem(), Map.of());
        }
        CatalogObject parent = before.table().orElseThrow();
        java.time.Instant now = java.time.Instant.now();
        List<String> detached = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (PartitionInspector.Partition p : PartitionInspector.beyondRetention(cfg, before.partitions(), now)) {
            run(c, ctx, s, "ALTER TABLE " + parent.quoted() + " DETACH PARTITION " + p.quoted() + " CONCURRENTLY",
                    parent.oid(), parent.qualified());
            detached.add(p.schema() + "." + p.name());
            if (drop) {
                run(c, ctx, s, "DROP TABLE " + p.quoted(), null, p.schema() + "." + p.name());
                dropped.add(p.schema() + "." + p.name());
            }
        }
        PartitionInspector.Inspection after = partitions.inspect(c, cfg);
        List<String> left = PartitionInspector.beyondRetention(cfg, after.partitions(), now).stream()
                .map(p -> p.schema() + "." + p.name()).toList();
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("retention", String.valueOf(cfg.retention().orElse(null)));
        effect.put("detached", detached);
        effect.put("dropped", dropped);
        effect.put("beyond_retention_after", left);
        return verified(left.isEmpty(), (drop ? "DETACH + DROP" : "DETACH PARTITION CONCURRENTLY") + " on " + parent.quoted(),
                effect, "partitions still attached beyond retention: " + left);
    }

    private static Outcome verified(boolean ok, String statement, Map<String, Object> measured, String otherwise) {
        Map<String, Object> effect = new LinkedHashMap<>(measured);
        effect.put("statement", statement);
        effect.put("verified", ok);
        return ok ? new Outcome.Succeeded(statement + ": effect verified", effect)
                : new Outcome.Failed("effect not verified: " + otherwise, effect);
    }

    /**
     * Runs one maintenance statement with {@code lock_timeout} and a {@code statement_timeout} capped by the
     * remaining budget; a lock timeout is retried with doubling back-off, then reported as {@link LockUnavailable}.
     */
    private void run(Connection c, ExecutionContext ctx, ManagedDatabasesConfig.Database s, String sql, Long lockedOid,
                     String object) throws SQLException {
        Duration backoff = config.lockRetryBackoff();
        for (int attempt = 1; ; attempt++) {
            Duration remaining = ctx.remainingBudget();
            if (remaining.isNegative() || remaining.isZero()) {
                throw new BudgetExhausted("time budget of " + config.timeBudget() + " exhausted before: " + sql);
            }
            long statementMs = Math.max(1, Math.min(s.statementTimeout().toMillis(), remaining.toMillis()));
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = " + s.lockTimeout().toMillis());
                st.execute("SET statement_timeout = " + statementMs);
                ctx.executing(st);
                try {
                    st.execute(sql);
                    return;
                } finally {
                    ctx.executing(null);
                }
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState()) || ctx.stopRequested()) {
                    throw e;
                }
                String holders = lockedOid == null ? "" : lockHolders(c, lockedOid);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("cause", "lock_timeout");
                details.put("statement", sql);
                details.put("lock_timeout_ms", s.lockTimeout().toMillis());
                details.put("attempts", attempt);
                details.put("lock_holders", holders);
                if (attempt > config.lockRetries()) {
                    throw new LockUnavailable("lock_timeout (" + s.lockTimeout().toMillis() + " ms) on " + object + " "
                            + attempt + " times in a row" + (holders.isEmpty() ? "" : "; lock held by " + holders)
                            + "; deferred", details);
                }
                ctx.progress("lock_timeout (" + s.lockTimeout().toMillis() + " ms) on " + object + ", attempt " + attempt
                        + " of " + (config.lockRetries() + 1) + (holders.isEmpty() ? "" : "; lock held by " + holders)
                        + "; retrying in " + backoff.toMillis() + " ms", details);
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private static String lockHolders(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT string_agg(DISTINCT 'pid ' || l.pid || ' (' || l.mode || ')', ', ')
                  FROM pg_locks l WHERE l.relation = ? AND l.granted AND l.pid <> pg_backend_pid()""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String s = rs.getString(1);
                return s == null ? "" : s;
            }
        }
    }

    private static long deadTuples(Connection c, long oid) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_clear_snapshot()");
        }
        return relLong(c, "SELECT coalesce(n_dead_tup, 0) FROM pg_stat_all_tables WHERE relid = ?", oid);
    }

    private static Timestamp lastAnalyze(Connection c, long oid) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_clear_snapshot()");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT last_analyze FROM pg_stat_all_tables WHERE relid = ?")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1) : null;
            }
        }
    }

    private static long relLong(Connection c, String sql, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int scalarInt(Connection c, String sql) throws SQLException {
        return (int) scalarLong(c, sql);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BudgetExhausted("interrupted");
        }
    }

    /** Lock retries ran out: the operation is deferred with this reason. */
    static final class LockUnavailable extends RuntimeException {
        final Map<String, Object> details;

        LockUnavailable(String message, Map<String, Object> details) {
            super(message);
            this.details = details;
        }
    }

    /** The operation's time budget is used up. */
    static final class BudgetExhausted extends RuntimeException {
        BudgetExhausted(String message) {
            super(message);
        }
    }
}
