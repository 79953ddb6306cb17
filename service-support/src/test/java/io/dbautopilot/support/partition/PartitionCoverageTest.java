package io.dbautopilot.support.partition;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Coverage, gaps, retention and interval of partition bounds (pure: the catalog reads are tested on real servers). */
class PartitionCoverageTest {

    private static final Instant NOW = Instant.parse("2026-12-03T21:00:00Z");

    private static Instant at(String day) {
        return LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static RangePartition part(String from, String to) {
        return new RangePartition("public", "p_" + from, "public.p_" + from, at(from), at(to), 8192L, false);
    }

    private static final RangePartition DEFAULT = new RangePartition("public", "p_default", "public.p_default", null, null,
            0L, true);

    /** Daily partitions 11-28 … 12-05 without 11-30 and 12-01 (a two-day gap), plus a default partition. */
    private static final List<RangePartition> DAILY = List.of(DEFAULT, part("2026-11-28", "2026-11-29"),
            part("2026-11-29", "2026-11-30"), part("2026-12-02", "2026-12-03"), part("2026-12-03", "2026-12-04"),
            part("2026-12-04", "2026-12-05"));

    @Test
    void gapsAreTheRangesBetweenPartitionsAndSplitIntoPeriods() {
        List<PartitionCoverage.Gap> gaps = PartitionCoverage.gaps(DAILY);
        assertEquals(List.of(new PartitionCoverage.Gap(at("2026-11-30"), at("2026-12-02"))), gaps);
        assertEquals(List.of("2026-11-30/2026-12-01", "2026-12-01/2026-12-02"),
                PartitionCoverage.periods("daily", gaps.get(0)).stream().map(Object::toString).toList());
        assertEquals(List.of(), PartitionCoverage.periods("weekly", gaps.get(0)), "no whole week inside two days");
        // overlapping and touching partitions leave no gap
        assertEquals(List.of(), PartitionCoverage.gaps(List.of(part("2026-12-01", "2026-12-05"),
                part("2026-12-02", "2026-12-03"), part("2026-12-05", "2026-12-06"))));
    }

    @Test
    void coverageReachesFromTheCurrentPeriodBothWays() {
        assertEquals(at("2026-12-05"), PartitionCoverage.coveredUntil("daily", DAILY, NOW));
        assertEquals(at("2026-12-02"), PartitionCoverage.coveredSince(DAILY, NOW));
        assertEquals(List.of("2026-12-05/2026-12-06", "2026-12-06/2026-12-07"),
                PartitionCoverage.missingAhead("daily", 3, DAILY, NOW).stream().map(Object::toString).toList());
        List<RangePartition> old = List.of(part("2026-11-28", "2026-11-29"));
        assertNull(PartitionCoverage.coveredUntil("daily", old, NOW));
        assertNull(PartitionCoverage.coveredSince(old, NOW));
    }

    @Test
    void retentionKeepsPartitionsWhoseUpperBoundIsRecentEnough() {
        assertEquals(List.of("p_2026-11-28", "p_2026-11-29"), PartitionCoverage.beyondRetention(Duration.ofDays(3),
                DAILY, NOW).stream().map(RangePartition::name).toList());
    }

    @Test
    void theIntervalIsTheOneMostPartitionsFollow() {
        assertEquals(Optional.of("daily"), PartitionCoverage.interval(DAILY));
        assertEquals(Optional.of("monthly"), PartitionCoverage.interval(List.of(part("2026-10-01", "2026-11-01"),
                part("2026-11-01", "2026-12-01"), part("2026-12-01", "2027-01-01"))));
        assertEquals(Optional.of("weekly"), PartitionCoverage.interval(List.of(part("2026-11-30", "2026-12-07"),
                part("2026-12-07", "2026-12-14"))));
        assertEquals(Optional.empty(), PartitionCoverage.interval(List.of(part("2026-11-30", "2026-12-03"),
                part("2026-12-03", "2026-12-09"))));
        assertEquals(Optional.empty(), PartitionCoverage.interval(List.of(DEFAULT)));
    }

    @Test
    void anUnknownIntervalIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PartitionCoverage.checkInterval("autopilot.databases.x.partitions.y.interval", "hourly"));
        assertEquals("autopilot.databases.x.partitions.y.interval: 'hourly' is not one of daily, weekly, monthly",
                e.getMessage());
    }
}
