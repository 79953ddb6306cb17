package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.model.Engine;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * {@code ANALYZE TABLE} and {@code OPTIMIZE TABLE} (an online rebuild of an InnoDB table) on MySQL / MariaDB targets:
 * the table looked up in {@code information_schema} and backtick-quoted, the heavy-work preconditions checked first,
 * verified by the server's status row ({@code OK}) and, for OPTIMIZE, by {@code data_free} falling.
 */
@ApplicationScoped
public class MySqlMaintenanceExecutor implements OperationExecutor {

    private final MySqlGuardedStatements guarded;
    private final MySqlCatalog catalog;
    private final MySqlPreconditions preconditions;

    public MySqlMaintenanceExecutor(MySqlGuardedStatements guarded, MySqlCatalog catalog,
                                    MySqlPreconditions preconditions) {
        this.guarded = guarded;
        this.catalog = catalog;
        this.preconditions = preconditions;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.ANALYZE, OperationType.OPTIMIZE);
    }

    @Override
    public Set<Engine> engines() {
        return EnumSet.of(Engine.MYSQL, Engine.MARIADB);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        if (MySqlNames.table(op.object()).isEmpty()) {
            return new Outcome.Failed(MySqlNames.refusal(op.object()) + "; nothing ran", Map.of());
        }
        return guarded.execute(ctx, s -> {
            Optional<MySqlCatalog.Table> found = catalog.find(s.connection(), op.object());
            if (found.isEmpty()) {
                return new Outcome.Failed("table " + op.object() + " is not a base table of " + op.targetId()
                        + " (information_schema.TABLES); nothing ran", Map.of());
            }
            MySqlCatalog.Table t = found.get();
            if (op.type() == OperationType.OPTIMIZE) {
                if (!"InnoDB".equalsIgnoreCase(t.engine())) {
                    return new Outcome.Failed("table " + t.name().qualified() + " uses " + t.engine() + ", not InnoDB: "
                            + "OPTIMIZE TABLE would lock it for the whole rebuild; not run", Map.of());
                }
                if (t.fullText()) {
                    return new Outcome.Failed("table " + t.name().qualified() + " has a FULLTEXT index: its rebuild is "
                            + "not online; not run", Map.of());
                }
            }
            if (op.heavy()) {
                Optional<String> unsafe = preconditions.check(s.connection(), s.settings(), t.dataBytes());
                if (unsafe.isPresent()) {
                    return new Outcome.Deferred(unsafe.get(), Map.of("cause", "precondition"));
                }
            }
            return op.type() == OperationType.OPTIMIZE ? optimize(s, t) : analyze(s, t);
        });
    }

    private Outcome optimize(MySqlGuardedStatements.Session s, MySqlCatalog.Table t) throws SQLException {
        String sql = "OPTIMIZE TABLE " + t.name().quoted();
        List<Map<String, Object>> rows = s.run(sql, t.name().qualified());
        long after = catalog.dataFree(s.connection(), t.name());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("data_free_before", t.dataFree());
        effect.put("data_free_after", after);
        effect.put("server_messages", messages(rows));
        boolean ok = statusOk(rows) && after >= 0 && (after < t.dataFree() || t.dataFree() == 0 && after == 0);
        return verified(ok, sql, effect, statusOk(rows) ? "data_free did not fall (" + t.dataFree() + " -> " + after + ")"
                : "the server did not report status OK: " + messages(rows));
    }

    private static Outcome analyze(MySqlGuardedStatements.Session s, MySqlCatalog.Table t) throws SQLException {
        String sql = "ANALYZE TABLE " + t.name().quoted();
        List<Map<String, Object>> rows = s.run(sql, t.name().qualified());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("server_messages", messages(rows));
        return verified(statusOk(rows), sql, effect, "the server did not report status OK: " + messages(rows));
    }

    /** Whether the result of a table maintenance statement has a {@code status} row saying OK (or up to date). */
    private static boolean statusOk(List<Map<String, Object>> rows) {
        return rows.stream().anyMatch(r -> "status".equalsIgnoreCase(String.valueOf(r.get("Msg_type")))
                && ("OK".equalsIgnoreCase(String.valueOf(r.get("Msg_text")))
                || String.valueOf(r.get("Msg_text")).contains("up to date")));
    }

    private static List<String> messages(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("Msg_type") + ": " + r.get("Msg_text")).toList();
    }
}
