package io.dbautopilot.performance.baseline;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Direction-aware regression: which changes count as regressions and which as improvements. */
class BaselineComparisonTest {

    private static FigureChange change(Figure f, Double from, Double to) {
        return BaselineComparison.change(f, from == null ? Map.of() : Map.of(f.wire(), from),
                to == null ? Map.of() : Map.of(f.wire(), to), 10);
    }

    @Test
    void higherIsBetterFiguresRegressWhenTheyDrop() {
        FigureChange drop = change(Figure.TPS, 200.0, 150.0);
        assertTrue(drop.regressed());
        assertFalse(drop.improved());
        assertEquals(-50.0, drop.change());
        assertEquals(-25.0, drop.changePct(), 1e-9);
        FigureChange rise = change(Figure.TPS, 200.0, 300.0);
        assertFalse(rise.regressed());
        assertTrue(rise.improved());
        assertFalse(change(Figure.TPS, 200.0, 190.0).regressed(), "5 % is within the 10 % tolerance");
    }

    @Test
    void lowerIsBetterFiguresRegressWhenTheyRise() {
        assertTrue(change(Figure.DEAD_TUPLES, 1000.0, 50_000.0).regressed());
        assertTrue(change(Figure.DEAD_TUPLES, 50_000.0, 1000.0).improved());
        FigureChange fromZero = change(Figure.INVALID_INDEXES, 0.0, 1.0);
        assertTrue(fromZero.regressed(), "any rise from 0 counts");
        assertNull(fromZero.changePct());
        assertFalse(change(Figure.INVALID_INDEXES, 0.0, 0.0).regressed());
    }

    @Test
    void neutralAndMissingFiguresNeverRegress() {
        FigureChange size = change(Figure.DATABASE_SIZE_BYTES, 1e6, 1e9);
        assertFalse(size.regressed());
        assertFalse(size.improved());
        FigureChange missing = change(Figure.REPLICATION_LAG_SECONDS, null, 5.0);
        assertFalse(missing.regressed());
        assertNull(missing.change());
        assertEquals(5.0, missing.to());
    }
}
