package io.dbautopilot.performance.collect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A target's databases are visited on the connections beside the pooled one, never more than four at once. */
class ParallelVisitsTest {

    @Test
    void theDefaultCapVisitsTwoDatabasesAtOnce() {
        assertEquals(2, SnapshotCollector.parallelVisits(3));
    }

    @Test
    void theSmallestCapVisitsOneAtATime() {
        assertEquals(1, SnapshotCollector.parallelVisits(2));
    }

    @Test
    void aCapRaisedToKeepOneConnectionPerDatabaseStillVisitsFourAtOnce() {
        assertEquals(4, SnapshotCollector.parallelVisits(5));
        assertEquals(4, SnapshotCollector.parallelVisits(101));
    }
}
