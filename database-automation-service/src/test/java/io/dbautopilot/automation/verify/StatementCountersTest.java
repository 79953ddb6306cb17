package io.dbautopilot.automation.verify;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which pg_stat_statements texts count as writes of a table, and the window comparison of two readings. */
class StatementCountersTest {

    @Test
    void writesAreRecognisedByTheRelationTheyWrite() {
        assertTrue(StatementCounters.writes("INSERT INTO orders (id) VALUES ($1)", "public", "orders"));
        assertTrue(StatementCounters.writes("  update public.orders set x = $1", "public", "orders"));
        assertTrue(StatementCounters.writes("DELETE FROM ONLY \"public\".\"orders\" WHERE id = $1", "public", "orders"));
        assertTrue(StatementCounters.writes("insert into \"Rec Orders\" values ($1)", "public", "Rec Orders"));
        assertFalse(StatementCounters.writes("INSERT INTO orders_archive VALUES ($1)", "public", "orders"));
        assertFalse(StatementCounters.writes("UPDATE other.orders SET x = $1", "public", "orders"));
        assertFalse(StatementCounters.writes("SELECT * FROM orders", "public", "orders"));
        assertFalse(StatementCounters.writes("INSERT INTO \"Orders\" VALUES ($1)", "public", "orders"));
    }

    @Test
    void theWindowMeanIsTheDeltaBetweenReadings() {
        StatementCounters.Comparison c = StatementCounters.compare(
                Map.of("1", new StatementCounters.Counter(10, 100.0), "2", new StatementCounters.Counter(10, 300.0)),
                Map.of("1", new StatementCounters.Counter(20, 110.0), "2", new StatementCounters.Counter(20, 310.0)));
        assertEquals(20, c.callsBefore());
        assertEquals(20.0, c.meanBefore(), 1e-9);
        assertEquals(20, c.callsAfter());
        assertEquals(1.0, c.meanAfter(), 1e-9);
        assertFalse(c.reset());
        assertTrue(StatementCounters.compare(Map.of("1", new StatementCounters.Counter(10, 100.0)),
                Map.of("1", new StatementCounters.Counter(3, 5.0))).reset(), "a counter that went backwards was reset");
    }
}
