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
}
