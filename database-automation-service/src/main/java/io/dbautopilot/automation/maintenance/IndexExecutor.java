package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.execute.LockUnavailable;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.automation.verify.IndexBaseline;
import io.dbautopilot.automation.verify.IndexEffectCheck;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * {@code REINDEX INDEX CONCURRENTLY}, {@code CREATE INDEX CONCURRENTLY} and {@code DROP INDEX CONCURRENTLY}, with the
 * invalid leftovers of an interrupted concurrent build dropped, each verified (size, validity, the index gone).
 */
@ApplicationScoped
public class IndexExecutor implements OperationExecutor {

    private static final Logger LOG = Logger.getLogger(IndexExecutor.class);
    private static final String SIZE = "SELECT pg_relation_size(?::oid)";
    /** The trigger whose drop requires the index to be INVALID (also assumed when a drop names no trigger). */
    public static final String INVALID_INDEX = "invalid_index";

    private final HeavyMaintenance maintenance;
    private final CatalogObjects catalog;

    public IndexExecutor(HeavyMaintenance maintenance, CatalogObjects catalog) {
        this.maintenance = maintenance;
        this.catalog = catalog;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.REINDEX, OperationType.CREATE_INDEX, OperationType.DROP_INDEX);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        boolean create = op.type() == OperationType.CREATE_INDEX;
        return maintenance.execute(ctx, op.type() != OperationType.DROP_INDEX, s -> {
            String[] kinds = create ? CatalogObjects.TABLES : CatalogObjects.INDEXES;
            CatalogObject object = catalog.find(s.connection(), op.object(), kinds).orElse(null);
            if (object == null) {
                return new Outcome.Failed((create ? "table " : "index ") + op.object()
                        + (op.type() == OperationType.REINDEX ? " no longer exists in " : " does not exist in ")
                        + op.targetId(), Map.of());
            }
            return switch (op.type()) {
                case REINDEX -> reindex(s, object);
                case CREATE_INDEX -> create(s, op, object);
                default -> drop(s, op, object);
            };
        });
    }

    private Outcome reindex(GuardedSession s, CatalogObject i) throws SQLException {
        long before = s.queryLong(SIZE, i.oid());
        List<String> dropped = new ArrayList<>(dropCcnewLeftovers(s, i));
        String sql = "REINDEX INDEX CONCURRENTLY " + i.quoted();
        try {
            s.run(sql, i.tableOid(), i.qualified());
        } catch (SQLException | LockUnavailable e) {
            dropCcnewLeftovers(s, i);
            throw e;
        }
        CatalogObject rebuilt = catalog.find(s.connection(), i.qualified(), CatalogObjects.INDEXES).orElseThrow(
                () -> new SQLException("index " + i.qualified() + " vanished during REINDEX"));
        long after = s.queryLong(SIZE, rebuilt.oid());
        dropped.addAll(dropCcnewLeftovers(s, rebuilt));
        boolean valid = s.queryLong("SELECT count(*) FROM pg_index WHERE indexrelid = ? AND indisvalid", rebuilt.oid()) == 1;
        long invalidLeft = s.queryLong(IndexCatalog.INVALID_CCNEW_COUNT, rebuilt.tableOid());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("size_bytes_before", before);
        effect.put("size_bytes_after", after);
        effect.put("shrank", after < before);
        effect.put("dropped_ccnew_leftovers", dropped);
        effect.put("invalid_ccnew_left", invalidLeft);
        effect.put("index_valid", valid);
        return verified(valid && invalidLeft == 0 && after <= before, sql, effect,
                "after REINDEX the index is " + (valid ? "valid" : "INVALID") + ", " + invalidLeft
                        + " invalid _ccnew index(es) are left and the size went " + before + " -> " + after + " bytes");
    }

    private static List<String> dropCcnewLeftovers(GuardedSession s, CatalogObject index) throws SQLException {
        List<String> leftovers = IndexCatalog.ccnewLeftovers(s.connection(), index);
        for (String quoted : leftovers) {
            s.run("DROP INDEX CONCURRENTLY IF EXISTS " + quoted, index.tableOid(), quoted);
            LOG.infof("Dropped invalid leftover index %s of a failed concurrent build", quoted);
        }
        return leftovers;
    }

    /**
     * CREATE INDEX CONCURRENTLY over columns looked up in {@code pg_attribute} (quoted by the server). An invalid
     * index of the same name, left by an interrupted earlier attempt, is dropped first; a valid one means an
     * earlier attempt finished and is reported as such.
     */
    private static Outcome create(GuardedSession s, Operation op, CatalogObject t) throws SQLException {
        if (!(op.parameters().get("columns") instanceof List<?> names) || names.isEmpty()) {
            return new Outcome.Failed("operation has no 'columns' parameter (a non-empty list of column names)", Map.of());
        }
        IndexCatalog.Columns columns = IndexCatalog.columns(s.connection(), t.oid(), names);
        if (columns.missing() != null) {
            return new Outcome.Failed("column '" + columns.missing() + "' does not exist in table " + t.qualified(), Map.of());
        }
        String indexName = IndexCatalog.indexName(t.name(), columns.names());
        IndexCatalog.Existing existing = IndexCatalog.existing(s.connection(), t, indexName);
        if (existing.foreign()) {
            return new Outcome.Failed("relation " + t.schema() + "." + indexName + " exists and is not an index of "
                    + t.qualified(), Map.of());
        }
        // the index name is never schema-qualified: it is created in the table's schema
        String sql = "CREATE INDEX CONCURRENTLY " + existing.quotedName() + " ON " + t.quoted() + " ("
                + String.join(", ", columns.quoted()) + ")";
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("index", t.schema() + "." + indexName);
        effect.put("columns", columns.names());
        if (existing.oid() != null && existing.valid()) {
            effect.put("already_existed", true);
            effect.put("size_bytes", IndexCatalog.size(s.connection(), t.oid(), indexName).orElse(null));
            return verified(true, sql, effect, "");
        }
        if (existing.oid() != null) {
            s.run("DROP INDEX CONCURRENTLY IF EXISTS " + existing.qualifiedQuoted(), t.oid(), existing.qualifiedQuoted());
            effect.put("dropped_invalid_leftover", true);
            LOG.infof("Operation %s: dropped invalid index %s left by an earlier attempt", op.id(), existing.qualifiedQuoted());
        }
        // the statements it is for and the table's writes, measured before the build: verified after the window
        Map<String, Object> baseline = IndexBaseline.before(s.connection(), op, t.schema(), t.name());
        s.run(sql, t.oid(), t.qualified());
        boolean valid = IndexCatalog.valid(s.connection(), t.oid(), indexName);
        effect.put("size_bytes", IndexCatalog.size(s.connection(), t.oid(), indexName).orElse(null));
        Long created = IndexCatalog.existing(s.connection(), t, indexName).oid();
        if (valid && created != null) {
            effect.put("verification", IndexBaseline.created(baseline, t.schema() + "." + indexName, created));
        }
        return verified(valid, sql, effect, "no valid index " + indexName + " on " + t.qualified() + " after the build");
    }

    /**
     * DROP INDEX CONCURRENTLY after re-checking in the catalog what made the drop safe when it was decided: the index
     * the name denotes is not PRIMARY KEY, not constraint-backed ({@code pg_constraint.conindid}), not a valid UNIQUE
     * index, and still INVALID (or still unused, for an unused-index trigger). Otherwise it fails naming why, having
     * touched nothing.
     */
    private static Outcome drop(GuardedSession s, Operation op, CatalogObject i) throws SQLException {
        IndexCatalog.DropCheck check = IndexCatalog.dropCheck(s.connection(), i);
        String trigger = op.parameters().get(OperationRequests.DROP_TRIGGER) instanceof String t ? t : INVALID_INDEX;
        if (IndexEffectCheck.ROLLBACK_TRIGGER.equals(trigger)
                && !(op.parameters().get("index_oid") instanceof Number created && created.longValue() == i.oid())) {
            // a rollback drops exactly the index its create_index built, never another one that took its name
            String why = "refused to drop index " + i.qualified() + ": it is not the index operation "
                    + op.parameters().get("rollback_of") + " created (oid " + op.parameters().get("index_oid")
                    + ", now " + i.oid() + ")";
            LOG.warnf("Operation %s: %s", op.id(), why);
            return new Outcome.Failed(why, Map.of("index_oid_created", String.valueOf(op.parameters().get("index_oid")),
                    "index_oid_now", i.oid()));
        }
        String refusal = check.refusal(trigger);
        if (refusal != null) {
            LOG.warnf("Operation %s: refusing to drop index %s: %s", op.id(), i.qualified(), refusal);
            return new Outcome.Failed("refused to drop index " + i.qualified() + ": " + refusal, check.evidence());
        }
        long size = s.queryLong(SIZE, i.oid());
        String sql = "DROP INDEX CONCURRENTLY " + i.quoted();
        s.run(sql, i.tableOid(), i.qualified());
        boolean gone = s.queryLong("SELECT count(*) FROM pg_class WHERE oid = ?", i.oid()) == 0;
        return verified(gone, sql, Map.of("size_bytes_freed", size, "index_gone", gone, "rechecked", check.evidence()),
                "the index still exists");
    }
}
