package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.PlannedStatement;
import io.dbautopilot.model.Engine;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which MySQL object names are acted on, how they are quoted, and the statements trust observe records. */
class MySqlNamesTest {

    @Test
    void onlyPlainSchemaTableNamesAreAcceptedAndTheyAreBacktickQuoted() {
        assertEquals("`shop`.`orders`", MySqlNames.table("shop.orders").orElseThrow().quoted());
        assertEquals("`shop`.`order$2024-q1`", MySqlNames.table("shop.order$2024-q1").orElseThrow().quoted());
        for (String refused : new String[] {null, "", "orders", "a.b.c", "shop.x`; DROP TABLE y; --", "shop.a b",
                "shop.a'b", "shop.\u0000x", "shop." + "x".repeat(65), ".orders", "shop."}) {
            assertTrue(MySqlNames.table(refused).isEmpty(), "refused: " + refused);
        }
        assertEquals("`a``b`", MySqlNames.quote("a`b"), "a backtick inside a quoted name is doubled");
        assertTrue(MySqlNames.refusal("shop.\u0000x").contains("shop.?x"), "no control characters in messages");
    }

    @Test
    void trustObserveRecordsTheStatementTheMySqlExecutorsWouldRun() {
        assertEquals("OPTIMIZE TABLE `shop`.`orders`", planned(OperationType.OPTIMIZE, "shop.orders", Map.of()));
        assertEquals("ANALYZE TABLE `shop`.`orders`", planned(OperationType.ANALYZE, "shop.orders", Map.of()));
        assertEquals("KILL QUERY <id> (each statement running for over 60 s)",
                planned(OperationType.CANCEL_QUERY, null, Map.of("limit_seconds", 60)));
        assertTrue(planned(OperationType.TERMINATE_IDLE, null, Map.of("limit_seconds", 600))
                .startsWith("KILL CONNECTION <id>"));
        assertEquals("OPTIMIZE TABLE <refused name>", planned(OperationType.OPTIMIZE, "x`y.z", Map.of()));
        assertEquals("ALTER TABLE `shop`.`orders` ADD INDEX `<table>_<columns>_idx` (`customer`, `a``b`), "
                + "ALGORITHM=INPLACE, LOCK=NONE", planned(OperationType.CREATE_INDEX, "shop.orders",
                Map.of("columns", java.util.List.of("customer", "a`b"))));
        assertEquals("ALTER TABLE `shop`.`orders` DROP INDEX `orders_customer_idx`, ALGORITHM=INPLACE, LOCK=NONE",
                planned(OperationType.DROP_INDEX, "shop.orders.orders_customer_idx", Map.of()));
        assertEquals("<refused name>", planned(OperationType.DROP_INDEX, "shop.orders", Map.of()));
    }

    @Test
    void indexNamesAreSchemaTableIndexAndGeneratedNamesFitMySqlsLimit() {
        MySqlNames.IndexName i = MySqlNames.index("shop.orders.PRIMARY").orElseThrow();
        assertEquals("`shop`.`orders`", i.table().quoted());
        assertEquals("PRIMARY", i.index());
        assertEquals("shop.orders.PRIMARY", i.qualified());
        for (String refused : new String[] {null, "shop.orders", "a.b.c.d", "shop.orders.x`; DROP TABLE y; --",
                "shop.orders.", "shop..i", "shop.orders.a b"}) {
            assertTrue(MySqlNames.index(refused).isEmpty(), "refused: " + refused);
        }
        assertTrue(MySqlNames.indexRefusal("x").contains("schema.table.index"));
        assertEquals("orders_customer_placed_idx",
                MySqlIndexExecutor.indexName("orders", java.util.List.of("customer", "placed")));
        assertEquals(64, MySqlIndexExecutor.indexName("t".repeat(60), java.util.List.of("column_a", "column_b")).length());
    }

    private static String planned(OperationType type, String object, Map<String, Object> parameters) {
        return PlannedStatement.of(new NewOperation("shop", type, object, "auto", "rule", "warning", null, "policy",
                parameters, "why"), Engine.MARIADB);
    }
}
