package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.model.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * Online index changes on MySQL / MariaDB targets ({@code ALTER TABLE ... ADD INDEX / DROP INDEX ...,
 * ALGORITHM=INPLACE, LOCK=NONE}): table, column and index names looked up in {@code information_schema} and
 * backtick-quoted; a drop re-checks what made it safe (never the primary key, a unique index or an index a foreign
 * key needs; still unused or still duplicated for those triggers); each verified by the index existing / being gone.
 */
@ApplicationScoped
public class MySqlIndexExecutor implements OperationExecutor {

    private static final Logger LOG = Logger.getLogger(MySqlIndexExecutor.class);
    /** MySQL's limit on identifier length (characters). */
    private static final int MAX_NAME = 64;

    private final MySqlGuardedStatements guarded;
    private final MySqlCatalog tables;
    private final MySqlIndexCatalog catalog;
    private final MySqlPreconditions preconditions;

    public MySqlIndexExecutor(MySqlGuardedStatements guarded, MySqlCatalog tables, MySqlIndexCatalog catalog,
                              MySqlPreconditions preconditions) {
        this.guarded = guarded;
        this.tables = tables;
        this.catalog = catalog;
        this.preconditions = preconditions;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.CREATE_INDEX, OperationType.DROP_INDEX);
    }

    @Override
    public Set<Engine> engines() {
        return EnumSet.of(Engine.MYSQL, Engine.MARIADB);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        boolean create = op.type() == OperationType.CREATE_INDEX;
        String tableName = create ? op.object() : MySqlNames.index(op.object()).map(i -> i.table().qualified()).orElse(null);
        if (tableName == null || MySqlNames.table(tableName).isEmpty()) {
            return new Outcome.Failed((create ? MySqlNames.refusal(op.object()) : MySqlNames.indexRefusal(op.object()))
                    + "; nothing ran", Map.of());
        }
        return guarded.execute(ctx, s -> {
            Optional<MySqlCatalog.Table> found = tables.find(s.connection(), tableName);
            if (found.isEmpty()) {
                return new Outcome.Failed("table " + tableName + " is not a base table of " + op.targetId()
                        + " (information_schema.TABLES); nothing ran", Map.of());
            }
            MySqlCatalog.Table t = found.get();
            Optional<String> unsafe = preconditions.check(s.connection(), s.settings(), create ? t.dataBytes() : 0);
            if (unsafe.isPresent()) {
                return new Outcome.Deferred(unsafe.get(), Map.of("cause", "precondition"));
            }
            return create ? create(s, op, t) : drop(s, op, t, MySqlNames.index(op.object()).orElseThrow().index());
        });
    }

    /** ADD INDEX over the {@code columns} parameter, each column looked up in information_schema.COLUMNS. */
    private Outcome create(MySqlGuardedStatements.Session s, Operation op, MySqlCatalog.Table t) throws SQLException {
        if (!(op.parameters().get("columns") instanceof List<?> names) || names.isEmpty()) {
            return new Outcome.Failed("operation has no 'columns' parameter (a non-empty list of column names)", Map.of());
        }
        Map<String, String> known = catalog.columns(s.connection(), t.name());
        List<String> columns = new ArrayList<>();
        for (Object n : names) {
            String name = String.valueOf(n);
            String spelled = MySqlNames.plain(name) ? known.get(name.toLowerCase(Locale.ROOT)) : null;
            if (spelled == null) {
                return new Outcome.Failed("column '" + name.replaceAll("\\p{Cntrl}", "?") + "' does not exist in table "
                        + t.name().qualified() + " (information_schema.COLUMNS); nothing ran", Map.of());
            }
            columns.add(spelled);
        }
        String indexName = indexName(t.name().table(), columns);
        String sql = "ALTER TABLE " + t.name().quoted() + " ADD INDEX " + MySqlNames.quote(indexName) + " ("
                + String.join(", ", columns.stream().map(MySqlNames::quote).toList()) + "), ALGORITHM=INPLACE, LOCK=NONE";
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("index", t.name().qualified() + "." + indexName);
        effect.put("columns", columns);
        Map<String, MySqlIndexCatalog.Index> existing = catalog.indexes(s.connection(), t.name());
        Optional<MySqlIndexCatalog.Index> same = existing.values().stream()
                .filter(i -> i.columns().size() == columns.size() && i.leads(columns)).findFirst();
        if (same.isPresent()) {
            // a second index over the same columns would only be a duplicate to drop later
            effect.put("already_existed", true);
            effect.put("existing_index", same.get().name());
            return verified(true, sql, effect, "");
        }
        if (existing.keySet().stream().anyMatch(indexName::equalsIgnoreCase)) {
            return new Outcome.Failed("table " + t.name().qualified() + " has an index named " + indexName
                    + " over other columns; nothing ran", Map.of("existing_columns",
                    existing.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(indexName)).findFirst()
                            .map(e -> e.getValue().columns()).orElse(List.of())));
        }
        s.run(sql, t.name().qualified());
        Optional<MySqlIndexCatalog.Index> built = catalog.index(s.connection(), t.name(), indexName);
        boolean ok = built.isPresent() && built.get().columns().equals(columns);
        effect.put("index_exists", ok);
        return verified(ok, sql, effect, "no index " + indexName + " over " + columns + " on " + t.name().qualified()
                + " after the ALTER TABLE");
    }

    /**
     * DROP INDEX after re-checking it: not the primary key, not unique, no foreign key needs it; for an unused-index
     * trigger still unused since the server started, for a duplicate-index trigger still led by another index's columns.
     */
    private Outcome drop(MySqlGuardedStatements.Session s, Operation op, MySqlCatalog.Table t, String name)
            throws SQLException {
        Map<String, MySqlIndexCatalog.Index> indexes = catalog.indexes(s.connection(), t.name());
        MySqlIndexCatalog.Index index = indexes.values().stream().filter(i -> i.name().equalsIgnoreCase(name))
                .findFirst().orElse(null);
        if (index == null) {
            return new Outcome.Failed("index " + name + " does not exist on " + t.name().qualified()
                    + " (information_schema.STATISTICS); nothing ran", Map.of());
        }
        String trigger = op.parameters().get(OperationRequests.DROP_TRIGGER) instanceof String x ? x : "manual";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("trigger", trigger);
        evidence.put("columns", index.columns());
        String refusal = refusal(s, t, index, indexes, trigger, evidence);
        String qualified = t.name().qualified() + "." + index.name();
        if (refusal != null) {
            LOG.warnf("Operation %s: refusing to drop index %s: %s", op.id(), qualified, refusal);
            return new Outcome.Failed("refused to drop index " + qualified + ": " + refusal + "; nothing ran", evidence);
        }
        String sql = "ALTER TABLE " + t.name().quoted() + " DROP INDEX " + MySqlNames.quote(index.name())
                + ", ALGORITHM=INPLACE, LOCK=NONE";
        s.run(sql, qualified);
        boolean gone = catalog.index(s.connection(), t.name(), index.name()).isEmpty();
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("index", qualified);
        effect.put("index_gone", gone);
        effect.put("rechecked", evidence);
        return verified(gone, sql, effect, "the index still exists");
    }

    /** Why the index must not be dropped now (evidence added), or null. */
    private String refusal(MySqlGuardedStatements.Session s, MySqlCatalog.Table t, MySqlIndexCatalog.Index index,
                           Map<String, MySqlIndexCatalog.Index> indexes, String trigger, Map<String, Object> evidence)
            throws SQLException {
        if ("PRIMARY".equalsIgnoreCase(index.name())) {
            return "it is the table's primary key";
        }
        if (index.unique()) {
            return "it is a UNIQUE index (it enforces a constraint)";
        }
        for (Map.Entry<String, List<String>> fk : catalog.foreignKeyColumns(s.connection(), t.name()).entrySet()) {
            if (index.leads(fk.getValue())) {
                evidence.put("foreign_key", fk.getKey());
                return "foreign key " + fk.getKey() + " needs it (columns " + fk.getValue() + ")";
            }
        }
        String kind = trigger.toLowerCase(Locale.ROOT);
        if (kind.contains("duplicate")) {
            Optional<MySqlIndexCatalog.Index> covering = indexes.values().stream()
                    .filter(o -> !o.name().equalsIgnoreCase(index.name()) && o.leads(index.columns())).findFirst();
            if (covering.isEmpty()) {
                return "no other index of " + t.name().qualified() + " starts with its columns " + index.columns()
                        + " any more: it is no longer a duplicate";
            }
            evidence.put("duplicate_of", covering.get().name());
        } else if (kind.contains("unused")) {
            OptionalLong uses = catalog.uses(s.connection(), t.name(), index.name());
            if (uses.isEmpty()) {
                return "its use cannot be re-checked (performance_schema.table_io_waits_summary_by_index_usage has no "
                        + "row for it or is not readable)";
            }
            evidence.put("uses_since_start", uses.getAsLong());
            if (uses.getAsLong() > 0) {
                return "it was used " + uses.getAsLong() + " time(s) since the server started: no longer unused";
            }
        }
        return null;
    }

    /** {@code <table>_<columns>_idx}, cut to MySQL's 64 characters. */
    static String indexName(String table, List<String> columns) {
        String name = table + "_" + String.join("_", columns) + "_idx";
        while (name.length() > MAX_NAME || name.getBytes(StandardCharsets.UTF_8).length > 3 * MAX_NAME) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }
}
