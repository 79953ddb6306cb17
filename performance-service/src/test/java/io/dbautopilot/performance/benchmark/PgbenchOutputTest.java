package io.dbautopilot.performance.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pgbench's report lines and per-transaction logs as PostgreSQL 15's pgbench writes them. */
class PgbenchOutputTest {

    @Test
    void progressAndFinalTpsLinesAreRead() {
        PgbenchOutput.Progress p = PgbenchOutput.progress("progress: 2.0 s, 1234.5 tps, lat 12.812 ms stddev 3.004, 0 failed")
                .orElseThrow();
        assertEquals(2.0, p.elapsedSeconds());
        assertEquals(1234.5, p.tps());
        assertEquals(12.812, p.latencyMs());
        assertEquals(812.004, PgbenchOutput.tps("tps = 812.004000 (without initial connection time)").getAsDouble());
        assertTrue(PgbenchOutput.progress("number of clients: 16").isEmpty());
        assertTrue(PgbenchOutput.tps("latency average = 19.681 ms").isEmpty());
    }

    @Test
    void latenciesComeFromEveryThreadsLogAndSkipFailures(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tpcb_16.4242"), "0 0 1500 0 1733227200 100\n1 0 900 0 1733227200 200\n");
        Files.writeString(dir.resolve("tpcb_16.4242.1"), "2 0 failed 0 1733227200 300\n3 0 3000 0 1733227200 400\n");
        Files.writeString(dir.resolve("tpcb_1.4241"), "0 0 99000 0 1733227200 100\n");

        double[] ms = PgbenchOutput.latenciesMs(dir, "tpcb_16");

        assertArrayEquals(new double[] {0.9, 1.5, 3.0}, ms);
        assertEquals(1.5, PgbenchOutput.percentile(ms, 0.5));
        assertEquals(3.0, PgbenchOutput.percentile(ms, 0.99));
        assertTrue(Double.isNaN(PgbenchOutput.percentile(new double[0], 0.5)));
    }

    @Test
    void connectCyclesAreTheGapsBetweenEachClientsTransactionEnds(@TempDir Path dir) throws Exception {
        // client 0 ends at .000100, .002100, .005100; client 1 at .000500, .001500 (second thread's file); one failure
        Files.writeString(dir.resolve("connect.77"), "0 0 300 0 1733227200 100\n0 1 250 0 1733227200 2100\n"
                + "0 2 failed 0 1733227200 2600\n0 3 280 0 1733227200 5100\n");
        Files.writeString(dir.resolve("connect.77.1"), "1 0 300 0 1733227200 500\n1 1 300 0 1733227200 1500\n");
        Files.writeString(dir.resolve("connect_other.77"), "0 0 300 0 1733227100 0\n0 1 300 0 1733227300 0\n");

        assertArrayEquals(new double[] {1.0, 2.0, 3.0}, PgbenchOutput.cycleMs(dir, "connect"));
    }

    @Test
    void theMultiRowInsertScriptInsertsTheConfiguredRowsInOneStatement() {
        String script = PgbenchRunner.multiRowInsertScript(3);
        assertEquals("\\set id random(1, 2000000000)\nINSERT INTO autopilot_bench_insert (id, payload) VALUES "
                + "(:id + 0, 'db autopilot benchmark row 0123456789'), (:id + 1, 'db autopilot benchmark row 0123456789'), "
                + "(:id + 2, 'db autopilot benchmark row 0123456789');\n", script);
    }
}
