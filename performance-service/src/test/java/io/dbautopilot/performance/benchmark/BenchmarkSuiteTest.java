package io.dbautopilot.performance.benchmark;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The knee of pool scaling and the capping of client counts to the server's room. */
class BenchmarkSuiteTest {

    private static TreeMap<Integer, Double> tps(Map<Integer, Double> values) {
        return new TreeMap<>(values);
    }

    @Test
    void theKneeIsTheSmallestCountAfterWhichTheNextGrowsLessThanTheThreshold() {
        assertEquals(4, BenchmarkSuite.knee(tps(Map.of(1, 1000.0, 4, 3000.0, 16, 3200.0, 64, 3300.0)), 0.1));
        assertEquals(16, BenchmarkSuite.knee(tps(Map.of(1, 1000.0, 4, 3000.0, 16, 4000.0, 64, 4100.0)), 0.1));
        assertEquals(1, BenchmarkSuite.knee(tps(Map.of(1, 1000.0, 4, 900.0, 16, 2000.0)), 0.1),
                "a fall right away is a knee at the first count");
        assertEquals(64, BenchmarkSuite.knee(tps(Map.of(1, 1000.0, 4, 2000.0, 16, 4000.0, 64, 8000.0)), 0.1),
                "always growing: the largest count");
        assertEquals(4, BenchmarkSuite.knee(tps(Map.of(1, 1000.0, 4, 3000.0, 16, 3299.0)), 0.1), "9.97 % is < 10 %");
        assertEquals(16, BenchmarkSuite.knee(tps(Map.of(1, 1000.0, 4, 3000.0, 16, 3300.0, 64, 3400.0)), 0.1),
                "exactly 10 % still helps");
        assertThrows(IllegalArgumentException.class, () -> BenchmarkSuite.knee(tps(Map.of()), 0.1));
    }

    @Test
    void countsAboveTheServersRoomAreCappedAndSaidSo() {
        List<Integer> asked = List.of(1, 4, 16, 64);
        assertEquals(List.of(1, 4, 16, 64), BenchmarkSuite.poolLevels(asked, 95));
        assertEquals(OptionalInt.empty(), BenchmarkSuite.cappedFrom(asked, 95));
        assertEquals(List.of(1, 4, 16, 40), BenchmarkSuite.poolLevels(asked, 40));
        assertEquals(OptionalInt.of(64), BenchmarkSuite.cappedFrom(asked, 40));
        assertEquals(List.of(1, 4, 10), BenchmarkSuite.poolLevels(asked, 10));
        assertEquals(List.of(1), BenchmarkSuite.poolLevels(asked, 0), "no room still measures one client");

        List<BenchmarkSuite.Step> suite = BenchmarkSuite.standard(16, asked, 40);
        assertEquals(List.of("connect", "select_1", "tpcb_1", "tpcb_16", "select_only_1", "select_only_4",
                "select_only_16", "select_only_40", "pool_scaling", "sustained_16", "sustained_vs_peak",
                "insert_single_row", "insert_multi_row", "copy"), suite.stream().map(BenchmarkSuite.Step::name).toList());
        assertEquals("tpcb_10", BenchmarkSuite.standard(16, asked, 10).get(3).name(), "the peak is capped too");
    }

    @Test
    void theMariaDbSuiteHasTheSameStepsWithLoadDataAsItsBulkLoad() {
        List<Integer> asked = List.of(1, 4, 16, 64);
        List<BenchmarkSuite.Step> standard = BenchmarkSuite.standard(16, asked, 40);
        List<BenchmarkSuite.Step> mariadb = BenchmarkSuite.mariadb(16, asked, 40);
        assertEquals(standard.subList(0, standard.size() - 1), mariadb.subList(0, mariadb.size() - 1));
        BenchmarkSuite.Step bulk = mariadb.get(mariadb.size() - 1);
        assertEquals(new BenchmarkSuite.Step("load_data", "bulk_load", BenchmarkSuite.Kind.BULK_LOAD, 1), bulk);
        assertEquals(false, bulk.pgbench());
        assertEquals(false, bulk.computed());
    }
}
