package io.dbautopilot.automation.verify;

import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationType;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline a {@code create_index} records just before its build, for {@link IndexEffectCheck}: the
 * {@code pg_stat_statements} counters of the statements the index is for (queryids from the recommendation) and of
 * the statements writing the table; after the build, the index it created (name and oid), so a rollback drops
 * exactly that one.
 */
public final class IndexBaseline {

    private IndexBaseline() {
    }

    /** Measures the counters before the build; a target without {@code pg_stat_statements} is recorded as such. */
    public static Map<String, Object> before(Connection c, Operation op, String schema, String table) throws SQLException {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("expected_effect", OperationType.CREATE_INDEX.expectedEffect());
        List<String> queryids = StatementCounters.ids(op.parameters().get("queryids"));
        b.put("queryids", queryids);
        try {
            Map<String, StatementCounters.Counter> reads = StatementCounters.byQueryid(c, queryids);
            queryids.forEach(q -> reads.putIfAbsent(q, new StatementCounters.Counter(0, 0)));
            b.put("reads", StatementCounters.json(reads));
            b.put("writes", StatementCounters.json(StatementCounters.writesOn(c, schema, table)));
        } catch (SQLException e) {
            String why = StatementCounters.unavailable(e);
            if (why == null) {
                throw e;
            }
            b.put("statements_unavailable", why);
        }
        b.put("table", schema + "." + table);
        b.put("measured_at", Instant.now().toString());
        return b;
    }

    /** Records the index the build created (schema.name unquoted, as in operation objects, and its pg_class oid). */
    public static Map<String, Object> created(Map<String, Object> baseline, String index, long oid) {
        baseline.put("index", index);
        baseline.put("index_oid", oid);
        return baseline;
    }
}
