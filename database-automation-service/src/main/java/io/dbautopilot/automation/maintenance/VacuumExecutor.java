package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * {@code VACUUM (ANALYZE)}, {@code VACUUM (FREEZE)} (of a table or the whole database) and {@code ANALYZE}, each
 * verified by what it must move: dead tuples, the XID age, {@code last_analyze}. Tables come from the catalog only.
 */
@ApplicationScoped
public class VacuumExecutor implements OperationExecutor {

    private static final String DATABASE_XID_AGE =
            "SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()";
    private static final String TABLE_XID_AGE = "SELECT age(relfrozenxid) FROM pg_class WHERE oid = ?";

    private final HeavyMaintenance maintenance;
    private final CatalogObjects catalog;

    public VacuumExecutor(HeavyMaintenance maintenance, CatalogObjects catalog) {
        this.maintenance = maintenance;
        this.catalog = catalog;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.VACUUM, OperationType.VACUUM_FREEZE, OperationType.ANALYZE);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        return maintenance.execute(ctx, true, s -> {
            if (op.type() == OperationType.VACUUM_FREEZE && op.object() == null) {
                return freezeDatabase(s, op.targetId());
            }
            Optional<CatalogObject> table = catalog.find(s.connection(), op.object(), CatalogObjects.TABLES);
            if (table.isEmpty()) {
                return new Outcome.Failed("table " + op.object() + " no longer exists in " + op.targetId(), Map.of());
            }
            return switch (op.type()) {
                case VACUUM_FREEZE -> freeze(s, table.get());
                case ANALYZE -> analyze(s, table.get());
                default -> vacuum(s, table.get());
            };
        });
    }

    private static Outcome freezeDatabase(GuardedSession s, String database) throws SQLException {
        long before = s.queryLong(DATABASE_XID_AGE);
        String sql = "VACUUM (FREEZE)";
        s.run(sql, null, database);
        long after = s.queryLong(DATABASE_XID_AGE);
        return verified(after < before || after == 0, sql, Map.of("datfrozenxid_age_before", before,
                "datfrozenxid_age_after", after), "database XID age did not drop");
    }

    private static Outcome freeze(GuardedSession s, CatalogObject t) throws SQLException {
        long before = s.queryLong(TABLE_XID_AGE, t.oid());
        String sql = "VACUUM (FREEZE, ANALYZE) " + t.quoted();
        s.run(sql, t.oid(), t.qualified());
        long after = s.queryLong(TABLE_XID_AGE, t.oid());
        return verified(after < before || after == 0, sql, Map.of("relfrozenxid_age_before", before,
                "relfrozenxid_age_after", after), "relfrozenxid age did not drop");
    }

    private static Outcome vacuum(GuardedSession s, CatalogObject t) throws SQLException {
        long before = deadTuples(s, t.oid());
        String sql = "VACUUM (ANALYZE) " + t.quoted();
        s.run(sql, t.oid(), t.qualified());
        long after = deadTuples(s, t.oid());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("n_dead_tup_before", before);
        effect.put("n_dead_tup_after", after);
        return verified(after < before || (before == 0 && after == 0), sql, effect,
                "dead tuples did not drop (an old snapshot, e.g. a long transaction or a replication slot, holds them)");
    }

    private static Outcome analyze(GuardedSession s, CatalogObject t) throws SQLException {
        Timestamp before = lastAnalyze(s, t.oid());
        String sql = "ANALYZE " + t.quoted();
        s.run(sql, t.oid(), t.qualified());
        Timestamp after = lastAnalyze(s, t.oid());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("last_analyze_before", before == null ? null : before.toInstant().toString());
        effect.put("last_analyze_after", after == null ? null : after.toInstant().toString());
        return verified(after != null && (before == null || after.after(before)), sql, effect, "last_analyze did not move");
    }

    private static long deadTuples(GuardedSession s, long oid) throws SQLException {
        clearStatsSnapshot(s);
        return s.queryLong("SELECT coalesce(n_dead_tup, 0) FROM pg_stat_all_tables WHERE relid = ?", oid);
    }

    private static Timestamp lastAnalyze(GuardedSession s, long oid) throws SQLException {
        clearStatsSnapshot(s);
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT last_analyze FROM pg_stat_all_tables WHERE relid = ?")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1) : null;
            }
        }
    }

    private static void clearStatsSnapshot(GuardedSession s) throws SQLException {
        try (Statement st = s.connection().createStatement()) {
            st.execute("SELECT pg_stat_clear_snapshot()");
        }
    }
}
