package io.dbautopilot.performance.detect.statistical;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.DetectorDriver;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistical detector on synthetic seasonal series, through the real detector, baseline and lifecycle: a
 * daily (and weekly) pattern with noise raises nothing; a spike or a level shift opens an anomaly.
 */
class StatisticalDetectorTest {

    /** A Monday. */
    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(5);

    private final Instant[] clock = {T0};
    private final StatisticalDetector detector = new StatisticalDetector(
            DetectorDriver.config(BaselineConfig.class, Map.of()), new MetricCatalog(), null);
    private final DetectorDriver driver = DetectorDriver.statistical("db", detector, clock);
    private final Random noise = new Random(42);

    /** Weekday TPS: a day curve peaking at 14:00 (50..350); weekends at 60 %; Gaussian noise sd 8. */
    private double usualTps(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        double hour = t.getHour() + t.getMinute() / 60.0;
        double day = 200 + 150 * Math.sin(2 * Math.PI * (hour - 8) / 24);
        boolean weekend = t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
        return (weekend ? 0.6 : 1.0) * day + noise.nextGaussian() * 8;
    }

    private List<DetectorDriver.Published> tps(double value) {
        return driver.cycle(List.of(new MetricPoint("pg_stat_database_tps", Map.of("datname", "app"), value)), clock[0]);
    }

    /** Runs the usual pattern until {@code end}; returns what was published meanwhile. */
    private List<DetectorDriver.Published> usualUntil(Instant end) {
        int before = driver.published.size();
        while (clock[0].isBefore(end)) {
            tps(usualTps(clock[0]));
            clock[0] = clock[0].plus(STEP);
        }
        return List.copyOf(driver.published.subList(before, driver.published.size()));
    }

    @Test
    void aWeekOfDailyPatternRaisesNothingAndASpikeOpensAndResolves() {
        assertEquals(List.of(), usualUntil(T0.plus(Duration.ofDays(8))), "a regular pattern is not an anomaly");

        // Tuesday 10:00: a spike to three times the usual level for 30 minutes.
        clock[0] = Instant.parse("2026-01-13T10:00:00Z");
        DetectorDriver.Published opened = null;
        for (int i = 0; i < 6 && opened == null; i++) {
            List<DetectorDriver.Published> p = tps(3 * usualTps(clock[0]));
            opened = p.isEmpty() ? null : p.get(0);
            clock[0] = clock[0].plus(STEP);
        }
        assertTrue(opened != null, "the spike opens an anomaly within 30 minutes");
        assertEquals(AnomalyState.OPENED, opened.state());
        assertEquals("baseline_tps", opened.record().rule());
        assertEquals("app", opened.record().object());
        assertEquals(Severity.CRITICAL, opened.record().severity(), opened.record().summary());
        Map<String, Double> ev = opened.record().evidence();
        assertTrue(ev.get("z") > 10, ev.toString());
        // 10:00 on weekdays is ~256 (and 154 at weekends): the hour-of-day median lies between.
        assertTrue(ev.get("median") > 150 && ev.get("median") < 290, ev.toString());
        assertTrue(opened.record().summary().contains("hour of day 10:00"), opened.record().summary());

        List<DetectorDriver.Published> after = usualUntil(clock[0].plus(Duration.ofHours(1)));
        assertEquals(1, after.size(), "back to usual: resolved once: " + after);
        assertEquals(AnomalyState.RESOLVED, after.get(0).state());
    }

    @Test
    void aLevelShiftOpensAnAnomaly() {
        assertEquals(List.of(), usualUntil(T0.plus(Duration.ofDays(3))));
        int before = driver.published.size();
        Instant end = clock[0].plus(Duration.ofHours(2));
        while (clock[0].isBefore(end)) {
            tps(usualTps(clock[0]) + 150); // a new, permanent 150 tx/s on top of the pattern
            clock[0] = clock[0].plus(STEP);
        }
        List<DetectorDriver.Published> p = driver.published.subList(before, driver.published.size());
        assertEquals(1, p.size(), p.toString());
        assertEquals(AnomalyState.OPENED, p.get(0).state());
        assertTrue(p.get(0).record().evidence().get("z") >= 5, p.get(0).record().evidence().toString());
    }

    @Test
    void nothingIsJudgedDuringWarmUp() {
        for (int i = 0; i < 24 * 12 - 1; i++) {
            tps(i % 50 == 49 ? 5000 : 100 + noise.nextGaussian());
            clock[0] = clock[0].plus(STEP);
        }
        assertEquals(List.of(), driver.published, "first day: warm-up, however wild the readings");
        AnomalyRecord warming = driver.state.values().stream().findFirst().orElse(null);
        assertEquals(null, warming, "no pending anomaly either");
    }

    @Test
    void onceWeeksOfHistoryExistTheHourOfWeekKnowsAWeeklyBatchButTheSameLoadOnAnotherDayFires() {
        // Every Sunday 03:00-04:00 a batch job runs at 1,000 tx/s.
        java.util.function.Function<Instant, Double> withBatch = at -> {
            ZonedDateTime t = at.atZone(ZoneOffset.UTC);
            return t.getDayOfWeek() == DayOfWeek.SUNDAY && t.getHour() == 3 ? 1000 + noise.nextGaussian() * 20
                    : usualTps(at);
        };
        List<DetectorDriver.Published> early = new java.util.ArrayList<>();
        Instant end = T0.plus(Duration.ofDays(21)); // three weeks: the first two Sundays have no weekly history
        while (clock[0].isBefore(end)) {
            early.addAll(driver.cycle(List.of(new MetricPoint("pg_stat_database_tps", Map.of("datname", "app"),
                    withBatch.apply(clock[0]))), clock[0]));
            clock[0] = clock[0].plus(STEP);
        }
        assertTrue(early.stream().anyMatch(p -> p.state() == AnomalyState.OPENED
                        && p.record().openedAt().atZone(ZoneOffset.UTC).getDayOfWeek() == DayOfWeek.SUNDAY),
                "before the weekly baseline exists the first batch looks anomalous: " + early);
        int before = driver.published.size();
        // Week 4: Sunday's batch is known by now ...
        Instant sunday = Instant.parse("2026-02-01T03:00:00Z");
        clock[0] = Instant.parse("2026-01-26T00:00:00Z");
        while (clock[0].isBefore(sunday.plus(Duration.ofHours(2)))) {
            driver.cycle(List.of(new MetricPoint("pg_stat_database_tps", Map.of("datname", "app"),
                    withBatch.apply(clock[0]))), clock[0]);
            clock[0] = clock[0].plus(STEP);
        }
        assertEquals(List.of(), driver.published.subList(before, driver.published.size()),
                "the third Sunday's batch is expected (hour-of-week baseline)");
        // ... but the same load on a Wednesday at 03:00 is not.
        clock[0] = Instant.parse("2026-02-04T03:00:00Z");
        List<DetectorDriver.Published> wed = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            wed.addAll(tps(1000));
            clock[0] = clock[0].plus(STEP);
        }
        assertEquals(1, wed.size(), wed.toString());
        assertTrue(wed.get(0).record().summary().contains("hour of week Wed 03:00"), wed.get(0).record().summary());
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StatisticalDetector(
                DetectorDriver.config(BaselineConfig.class, Map.of("autopilot.detection.baseline.series.tps.direction", "sideways")),
                new MetricCatalog(), null));
        assertTrue(e.getMessage().contains("autopilot.detection.baseline.series.tps.direction"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new StatisticalDetector(
                DetectorDriver.config(BaselineConfig.class, Map.of("autopilot.detection.baseline.series.x.metric", "no_such_metric")),
                new MetricCatalog(), null));
        assertTrue(e.getMessage().contains("autopilot.detection.baseline.series.x.metric"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new StatisticalDetector(
                DetectorDriver.config(BaselineConfig.class, Map.of("autopilot.detection.baseline.warning-z", "20")),
                new MetricCatalog(), null));
        assertTrue(e.getMessage().contains("warning-z"), e.getMessage());
    }

    @Test
    void aSeriesHistoryRoundTripsCompactly() {
        SlotSeries s = new SlotSeries(600, 4032);
        for (int i = 0; i < 4032 * 2; i++) {
            s.record(T0.plusSeconds(i * 300L), usualTps(T0.plusSeconds(i * 300L)));
        }
        byte[] bytes = s.encode();
        assertTrue(bytes.length < 4032 * 4 + 64, "28 days of 10-minute readings: " + bytes.length + " bytes");
        SlotSeries back = SlotSeries.decode(bytes, 600, 4032);
        assertEquals(s.size(), back.size());
        assertEquals(s.firstSlot(), back.firstSlot());
        for (long slot = s.oldestSlot(); slot <= s.newestSlot(); slot++) {
            assertEquals(s.valueAt(slot), back.valueAt(slot), 0.0);
        }
    }
}
