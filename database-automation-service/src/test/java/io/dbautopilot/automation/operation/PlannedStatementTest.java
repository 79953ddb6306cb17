package io.dbautopilot.automation.operation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The statement a would_run operation records: the executors' statements, names quoted as quote_ident does. */
class PlannedStatementTest {

    private static NewOperation op(OperationType type, String object, Map<String, Object> parameters) {
        return new NewOperation("db", type, object, "auto", "rule", "warning", null, "policy", parameters, "why");
    }

    @Test
    void maintenanceStatementsQuoteNamesOnlyWhereTheServerWould() {
        assertEquals("VACUUM (ANALYZE) public.orders", PlannedStatement.of(op(OperationType.VACUUM, "public.orders", Map.of())));
        assertEquals("ANALYZE public.\"user\"", PlannedStatement.of(op(OperationType.ANALYZE, "public.user", Map.of())));
        assertEquals("VACUUM (FREEZE, ANALYZE) \"Sales\".\"a\"\"b\"",
                PlannedStatement.of(op(OperationType.VACUUM_FREEZE, "Sales.a\"b", Map.of())));
        assertEquals("VACUUM (FREEZE)", PlannedStatement.of(op(OperationType.VACUUM_FREEZE, null, Map.of())));
        assertEquals("REINDEX INDEX CONCURRENTLY public.orders_pkey",
                PlannedStatement.of(op(OperationType.REINDEX, "public.orders_pkey", Map.of())));
        assertEquals("DROP INDEX CONCURRENTLY public.\"Idx 1\"",
                PlannedStatement.of(op(OperationType.DROP_INDEX, "public.Idx 1", Map.of())));
        assertEquals("CREATE INDEX CONCURRENTLY orders_customer_id_created_at_idx ON public.orders (customer_id, created_at)",
                PlannedStatement.of(op(OperationType.CREATE_INDEX, "public.orders",
                        Map.of("columns", List.of("customer_id", "created_at")))));
        assertEquals("SELECT pg_terminate_backend(4242, 5000)", PlannedStatement.of(op(OperationType.TERMINATE, "4242", Map.of())));
        assertEquals("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE state = 'active' AND now() - query_start > "
                + "interval '300 seconds'", PlannedStatement.of(op(OperationType.CANCEL_QUERY, null,
                Map.of("limit_seconds", 300L))));
    }

    @Test
    void aMySqlKillNamesTheSessionItIsBoundTo() {
        Map<String, Object> bound = Map.of("limit_seconds", 300L,
                "sessions", java.util.List.of(Map.of("id", 42, "started", 1764900000L, "user", "app")));
        assertEquals("KILL QUERY 42 (user app, started at epoch 1764900000) (if still running that statement for over "
                + "300 s)", PlannedStatement.of(op(OperationType.CANCEL_QUERY, null, bound), io.dbautopilot.model.Engine.MARIADB));
        assertEquals("KILL CONNECTION 42 (user app, started at epoch 1764900000) (if still sleeping inside that "
                + "transaction for over 300 s)", PlannedStatement.of(op(OperationType.TERMINATE_IDLE, null, bound),
                io.dbautopilot.model.Engine.MYSQL));
        assertEquals("KILL QUERY <id> (each statement running for over 300 s)", PlannedStatement.of(
                op(OperationType.CANCEL_QUERY, null, Map.of("limit_seconds", 300L)), io.dbautopilot.model.Engine.MARIADB));
    }
}
