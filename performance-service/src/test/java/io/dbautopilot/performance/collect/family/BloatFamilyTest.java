package io.dbautopilot.performance.collect.family;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimator's arithmetic; FamiliesTest checks it against a real mass update. */
class BloatFamilyTest {

    @Test
    void aTableWithExactlyTheExpectedPagesHasNoBloat() {
        // 3 int columns: 23-byte header -> 24, 12 bytes data -> 16, + 4 line pointer = 44 bytes; 8168/44 = 185/page
        BloatFamily.Estimate e = BloatFamily.estimateTable(100, 18_500, 100, 12, false, 3, 8192);
        assertEquals(0, e.wastedBytes());
    }

    @Test
    void twiceTheExpectedPagesIsHalfWasted() {
        BloatFamily.Estimate e = BloatFamily.estimateTable(200, 18_500, 100, 12, false, 3, 8192);
        assertEquals(100 * 8192, e.wastedBytes());
        assertEquals(0.5, e.ratio(), 1e-9);
    }

    @Test
    void fillfactorLeavesRoomThatIsNotBloat() {
        BloatFamily.Estimate full = BloatFamily.estimateTable(100, 18_500, 100, 12, false, 3, 8192);
        BloatFamily.Estimate spaced = BloatFamily.estimateTable(100, 18_500, 50, 12, false, 3, 8192);
        assertTrue(spaced.wastedBytes() <= full.wastedBytes());
        assertEquals(0, spaced.wastedBytes());
    }

    @Test
    void btreeExpectsTheMetapageAndNinetyPercentFill() {
        // int4 key: 8 header + 4 data -> 16, + 4 = 20 bytes; (8192-24-16)*0.9 = 7336.8 -> 366 per page
        BloatFamily.Estimate e = BloatFamily.estimateBtree(101, 36_600, 90, 4, false, 8192);
        assertEquals(0, e.wastedBytes());
        assertEquals(0.5, BloatFamily.estimateBtree(202, 36_600, 90, 4, false, 8192).ratio(), 0.01);
    }
}
