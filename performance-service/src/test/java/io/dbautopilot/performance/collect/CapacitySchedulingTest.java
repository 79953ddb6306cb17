package io.dbautopilot.performance.collect;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many databases: first runs spread over the interval, the longest-waiting database first, idle connections bounded. */
class CapacitySchedulingTest {

    private final Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
    private final Duration minute = Duration.ofMinutes(1);

    private static List<String> databases(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("db_%04d", i)).toList();
    }

    @Test
    void firstRunsOfManyDatabasesAreSpreadOverTheIntervalAndEachRunsOncePerInterval() {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://db/x")); // 15 s tick
        List<String> dbs = databases(1000);
        target.databases(dbs);
        int[] perTick = new int[8];
        for (int tick = 0; tick < perTick.length; tick++) {
            Instant now = t0.plusSeconds(15L * tick);
            for (String db : dbs) {
                String key = TargetRuntime.scheduleKey("tables", db);
                if (target.due(key, minute, now)) {
                    perTick[tick]++;
                    target.ran(key, now);
                }
            }
        }
        // a 60 s family on a 15 s tick: about a quarter of the databases per tick, never all at once
        for (int n : perTick) {
            assertTrue(n >= 100 && n <= 400, java.util.Arrays.toString(perTick));
        }
        assertEquals(1000, perTick[0] + perTick[1] + perTick[2] + perTick[3], "every database within one interval");
        assertEquals(1000, perTick[4] + perTick[5] + perTick[6] + perTick[7], "and again in the next");
    }

    @Test
    void aFewDatabasesAllRunInTheFirstCycle() {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://db/x"));
        target.databases(databases(TargetRuntime.SPREAD_ABOVE));
        for (String db : target.databases()) {
            assertTrue(target.due(TargetRuntime.scheduleKey("indexes", db), Duration.ofMinutes(10), t0));
        }
    }

    @Test
    void aDatabaseLeftOutByTheBudgetLeadsTheNextCycle() {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://db/x"));
        List<String> dbs = databases(3);
        target.databases(dbs);
        List<String> families = List.of("tables", "indexes");
        // cycle 1: every family ran in db_0001 and db_0003; in db_0002 tables ran and indexes was skipped (budget)
        target.ran(TargetRuntime.scheduleKey("tables", "db_0001"), t0);
        target.ran(TargetRuntime.scheduleKey("indexes", "db_0001"), t0);
        target.ran(TargetRuntime.scheduleKey("tables", "db_0002"), t0);
        target.ran(TargetRuntime.scheduleKey("tables", "db_0003"), t0);
        target.ran(TargetRuntime.scheduleKey("indexes", "db_0003"), t0);
        Instant next = t0.plusSeconds(15);
        List<String> order = target.oldestDueFirst(dbs, families,
                (f, db) -> target.due(TargetRuntime.scheduleKey(f, db), f.equals("tables") ? minute : Duration.ofMinutes(10), next));
        assertEquals(List.of("db_0002"), order, "only the database with indexes still due, and it is first");
        Instant later = t0.plusSeconds(60);
        order = target.oldestDueFirst(dbs, families,
                (f, db) -> target.due(TargetRuntime.scheduleKey(f, db), f.equals("tables") ? minute : Duration.ofMinutes(10), later));
        assertEquals("db_0002", order.get(0), order.toString());
        assertEquals(3, order.size());
    }

    @Test
    void idleConnectionsNeverExceedTheirPermitsAndAreEvictedForWhoeverNeedsOne() {
        Semaphore permits = new Semaphore(2);
        List<String> closed = new ArrayList<>();
        IdleConnections<String> idle = new IdleConnections<>(closed::add, permits::release);
        assertTrue(permits.tryAcquire());
        idle.keep("a", "conn-a", t0);
        assertTrue(permits.tryAcquire());
        idle.keep("b", "conn-b", t0.plusSeconds(1));
        assertFalse(permits.tryAcquire(), "both permits are held by idle connections");

        assertEquals("conn-a", idle.take("a").orElseThrow(), "a visit to a reuses its connection and permit");
        idle.keep("a", "conn-a", t0.plusSeconds(2));
        assertTrue(idle.evictOne(), "someone needing a permit closes the longest-idle connection");
        assertEquals(List.of("conn-b"), closed);
        assertTrue(permits.tryAcquire());
        permits.release();

        idle.expire(t0.plusSeconds(400), Duration.ofMinutes(5), List.of("a"));
        assertEquals(List.of("conn-b", "conn-a"), closed, "idle too long");
        assertEquals(0, idle.size());
        assertEquals(2, permits.availablePermits());
    }
}
