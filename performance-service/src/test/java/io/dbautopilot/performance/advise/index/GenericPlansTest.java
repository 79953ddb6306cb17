package io.dbautopilot.performance.advise.index;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Texts that must never reach PREPARE: refused before any connection is touched (hence a null connection). */
class GenericPlansTest {

    @Test
    void refusesMultipleStatementsAndAnythingButQueriesAndDml() throws Exception {
        assertTrue(GenericPlans.plan(null, "SELECT 1; DROP TABLE orders", null).isEmpty());
        assertTrue(GenericPlans.plan(null, "SELECT * FROM t WHERE a = $1;", null).isEmpty());
        assertTrue(GenericPlans.plan(null, "DROP TABLE orders", null).isEmpty());
        assertTrue(GenericPlans.plan(null, "INSERT INTO t VALUES ($1)", null).isEmpty());
        assertTrue(GenericPlans.plan(null, "VACUUM t", null).isEmpty());
        assertTrue(GenericPlans.plan(null, null, null).isEmpty());
    }
}
