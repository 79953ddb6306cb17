package io.dbautopilot.support.partition;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a time-range-partitioned table's partitions cover, worked out from their bounds alone (no database): the
 * periods of an interval ({@code daily}, {@code weekly} from Monday, {@code monthly}; UTC boundaries) that have no
 * partition, how far the coverage reaches from now, the gaps between partitions, the partitions beyond a retention,
 * and which interval a table's partitions follow.
 */
public final class PartitionCoverage {

    /** The interval names. */
    public static final List<String> INTERVALS = List.of("daily", "weekly", "monthly");

    /**
     * A time range no partition covers, between two partitions.
     *
     * @param from start (the upper bound of the partition before it)
     * @param to   end (the lower bound of the partition after it)
     */
    public record Gap(Instant from, Instant to) {
        @Override
        public String toString() {
            return from + "/" + to;
        }
    }

    private PartitionCoverage() {
    }

    /** Validates an interval name; throws naming the setting and the allowed values. */
    public static void checkInterval(String setting, String interval) {
        if (!INTERVALS.contains(interval)) {
            throw new IllegalArgumentException(setting + ": '" + interval + "' is not one of daily, weekly, monthly");
        }
    }

    /** First day of the period of {@code interval} holding {@code day}. */
    public static LocalDate periodStart(String interval, LocalDate day) {
        return switch (interval) {
            case "weekly" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case "monthly" -> day.withDayOfMonth(1);
            default -> day;
        };
    }

    /** First day of the period after the one starting on {@code start}. */
    public static LocalDate next(String interval, LocalDate start) {
        return switch (interval) {
            case "weekly" -> start.plusWeeks(1);
            case "monthly" -> start.plusMonths(1);
            default -> start.plusDays(1);
        };
    }

    /** The current period and the next {@code premake} ones that no partition overlaps. */
    public static List<PartitionPeriod> missingAhead(String interval, int premake, List<RangePartition> partitions,
                                                     Instant now) {
        List<PartitionPeriod> missing = new ArrayList<>();
        LocalDate start = periodStart(interval, day(now));
        for (int i = 0; i <= premake; i++) {
            LocalDate end = next(interval, start);
            if (!covered(partitions, start, end)) {
                missing.add(new PartitionPeriod(start, end));
            }
            start = end;
        }
        return missing;
    }

    /** Upper bound of the contiguous coverage from the start of the current period on; null when that is not covered. */
    public static Instant coveredUntil(String interval, List<RangePartition> partitions, Instant now) {
        return coveredUntil(partitions, periodStart(interval, day(now)).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** Upper bound of the contiguous coverage that holds {@code at}, reaching forward; null when {@code at} is not covered. */
    public static Instant coveredUntil(List<RangePartition> partitions, Instant at) {
        Instant point = at;
        Instant until = null;
        boolean extended = true;
        while (extended) {
            extended = false;
            for (RangePartition p : partitions) {
                if (p.bounded() && !p.from().isAfter(point) && p.to().isAfter(point)) {
                    point = p.to();
                    until = p.to();
                    extended = true;
                }
            }
        }
        return until;
    }

    /** Lower bound of the contiguous coverage that holds {@code at}, reaching back; null when {@code at} is not covered. */
    public static Instant coveredSince(List<RangePartition> partitions, Instant at) {
        Optional<RangePartition> holding = partitions.stream()
                .filter(p -> p.bounded() && !p.from().isAfter(at) && p.to().isAfter(at)).findFirst();
        if (holding.isEmpty()) {
            return null;
        }
        Instant point = holding.get().from();
        boolean extended = true;
        while (extended) {
            extended = false;
            for (RangePartition p : partitions) {
                if (p.bounded() && p.from().isBefore(point) && !p.to().isBefore(point)) {
                    point = p.from();
                    extended = true;
                }
            }
        }
        return point;
    }

    /** Time ranges between the lowest and the highest bound that no bounded partition covers, oldest first. */
    public static List<Gap> gaps(List<RangePartition> partitions) {
        List<RangePartition> bounded = partitions.stream().filter(RangePartition::bounded)
                .sorted(Comparator.comparing(RangePartition::from)).toList();
        List<Gap> gaps = new ArrayList<>();
        Instant reached = null;
        for (RangePartition p : bounded) {
            if (reached != null && p.from().isAfter(reached)) {
                gaps.add(new Gap(reached, p.from()));
            }
            if (reached == null || p.to().isAfter(reached)) {
                reached = p.to();
            }
        }
        return gaps;
    }

    /** The periods of {@code interval} that lie inside a gap (a gap not on period boundaries keeps its inner periods). */
    public static List<PartitionPeriod> periods(String interval, Gap gap) {
        List<PartitionPeriod> out = new ArrayList<>();
        LocalDate start = periodStart(interval, day(gap.from()));
        if (start.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(gap.from())) {
            start = next(interval, start);
        }
        while (true) {
            LocalDate end = next(interval, start);
            if (end.atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(gap.to())) {
                return out;
            }
            out.add(new PartitionPeriod(start, end));
            start = end;
        }
    }

    /** Partitions whose upper bound is at or before {@code now - retention}. */
    public static List<RangePartition> beyondRetention(Duration retention, List<RangePartition> partitions, Instant now) {
        Instant limit = now.minus(retention);
        return partitions.stream().filter(p -> p.to() != null && !p.to().isAfter(limit)).toList();
    }

    /**
     * The interval most of the bounded partitions follow (each spans exactly one period of it, on its boundaries),
     * or empty when there is none or no interval holds for most of them.
     */
    public static Optional<String> interval(List<RangePartition> partitions) {
        Map<String, Integer> votes = new HashMap<>();
        int bounded = 0;
        for (RangePartition p : partitions) {
            if (!p.bounded()) {
                continue;
            }
            bounded++;
            for (String interval : INTERVALS) {
                LocalDate from = day(p.from());
                if (p.from().equals(from.atStartOfDay(ZoneOffset.UTC).toInstant())
                        && periodStart(interval, from).equals(from)
                        && p.to().equals(next(interval, from).atStartOfDay(ZoneOffset.UTC).toInstant())) {
                    votes.merge(interval, 1, Integer::sum);
                }
            }
        }
        int all = bounded;
        return votes.entrySet().stream().filter(e -> e.getValue() * 2 > all)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    private static boolean covered(List<RangePartition> partitions, LocalDate start, LocalDate end) {
        Instant from = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = end.atStartOfDay(ZoneOffset.UTC).toInstant();
        return partitions.stream().anyMatch(p -> p.overlaps(from, to));
    }

    private static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
