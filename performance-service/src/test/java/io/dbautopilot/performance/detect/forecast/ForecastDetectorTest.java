package io.dbautopilot.performance.detect.forecast;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.DetectorDriver;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exhaustion forecasts on synthetic filling series through the real detector and lifecycle (shipped settings). */
class ForecastDetectorTest {

    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(1);

    private final Instant[] clock = {T0};
    private final ForecastDetector detector = new ForecastDetector(
            DetectorDriver.config(ForecastConfig.class, Map.of()), new MetricCatalog(), null);
    private final DetectorDriver driver = DetectorDriver.forecast("db", detector, clock);
    private final Random noise = new Random(7);

    private List<DetectorDriver.Published> disk(double usedRatio) {
        List<DetectorDriver.Published> p = driver.cycle(List.of(
                new MetricPoint("host_filesystem_used_ratio", Map.of("mountpoint", "/data"), usedRatio),
                new MetricPoint("host_filesystem_used_ratio", Map.of("mountpoint", "/"), 0.3 + noise.nextGaussian() * 0.001)),
                clock[0]);
        clock[0] = clock[0].plus(STEP);
        return p;
    }

    @Test
    void aFillingDiskOpensWithItsEtaAndEscalatesAsTheEtaShrinks() {
        // /data fills by 1 % of its size per hour from 40 %, with noise; "/" is flat.
        List<DetectorDriver.Published> all = new ArrayList<>();
        double used = 0.40;
        while (used < 0.99) {
            all.addAll(disk(used + noise.nextGaussian() * 0.0005));
            used += 0.01 / 60;
        }
        assertTrue(all.stream().noneMatch(p -> "/".equals(p.record().object())), "a flat filesystem is no forecast");
        DetectorDriver.Published opened = all.get(0);
        assertEquals(AnomalyState.OPENED, opened.state());
        assertEquals("forecast_disk_full", opened.record().rule());
        assertEquals("/data", opened.record().object());
        assertEquals(Severity.WARNING, opened.record().severity(), "60 h away: within 7 d");
        Map<String, Double> ev = opened.record().evidence();
        double reading = ev.get("reading");
        assertEquals((1 - reading) * 100, ev.get("eta_hours"), 3.0, "1 %/h from " + reading + ": " + ev);
        assertEquals(1.0, ev.get("slope_per_hour") * 100, 0.1, ev.toString());
        assertTrue(opened.record().summary().contains("filesystem full forecast"), opened.record().summary());
        Duration afterStart = Duration.between(T0, opened.record().openedAt());
        assertTrue(afterStart.compareTo(Duration.ofMinutes(35)) >= 0 && afterStart.compareTo(Duration.ofMinutes(40)) <= 0,
                "needs min-span 30m of readings, then holds for 5m: " + afterStart);

        List<DetectorDriver.Published> escalations = all.stream().filter(p -> p.state() == AnomalyState.ESCALATED).toList();
        assertEquals(List.of(Severity.CRITICAL, Severity.EMERGENCY), escalations.stream().map(p -> p.record().severity()).toList());
        assertEquals(24, escalations.get(0).record().evidence().get("eta_hours"), 0.5, "critical within 1 d");
        assertEquals(4, escalations.get(1).record().evidence().get("eta_hours"), 0.5, "emergency within 4 h");
        assertEquals(3, all.size(), all.toString());
    }

    @Test
    void aDiskThatStopsFillingResolves() {
        double used = 0.5;
        for (int i = 0; i < 120; i++) {
            disk(used);
            used += 0.05 / 60; // 5 %/h: 10 h left → critical
        }
        assertEquals(Severity.CRITICAL, driver.state.values().stream()
                .filter(r -> r.status() == AnomalyStatus.OPEN).findFirst().orElseThrow().severity());
        List<DetectorDriver.Published> later = new ArrayList<>();
        for (int i = 0; i < 6 * 60; i++) {
            later.addAll(disk(0.6 - i * 0.0001)); // cleaned up a little, shrinking slowly
        }
        assertEquals(1, later.size(), later.toString());
        assertEquals(AnomalyState.RESOLVED, later.get(0).state());
    }

    @Test
    void noiseWithoutTrendIsNoForecast() {
        for (int i = 0; i < 600; i++) {
            disk(0.8 + noise.nextGaussian() * 0.01);
        }
        assertEquals(List.of(), driver.published);
    }

    @Test
    void aSequenceAndXidAgeFillTowardsTheirLimits() {
        List<DetectorDriver.Published> all = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            all.addAll(driver.cycle(List.of(
                    new MetricPoint("pg_sequence_used_ratio", Map.of("datname", "app", "schemaname", "public",
                            "sequencename", "orders_id_seq"), 0.90 + i * 0.0005),
                    new MetricPoint("pg_database_xid_wraparound_ratio", Map.of("datname", "app"), 0.30 + i * 0.00002)),
                    clock[0]));
            clock[0] = clock[0].plus(STEP);
        }
        Map<String, Severity> opened = new java.util.TreeMap<>();
        all.forEach(p -> opened.put(p.record().rule() + "@" + p.record().object(), p.record().severity()));
        // sequence: 10 % left at 3 %/h → ~3 h: emergency; xid: 70 % left at 0.12 %/h → ~24 d: nothing.
        assertEquals(Map.of("forecast_sequences@app.public.orders_id_seq", Severity.EMERGENCY), opened);
        assertEquals("investigate", all.get(0).record().suggestedAction());
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ForecastDetector(
                DetectorDriver.config(ForecastConfig.class, Map.of("autopilot.detection.forecast.critical-within", "30d")),
                new MetricCatalog(), null));
        assertTrue(e.getMessage().contains("critical-within"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new ForecastDetector(
                DetectorDriver.config(ForecastConfig.class, Map.of("autopilot.detection.forecast.series.disk_full.metric", "disk")),
                new MetricCatalog(), null));
        assertTrue(e.getMessage().contains("autopilot.detection.forecast.series.disk_full.metric"), e.getMessage());
    }
}
