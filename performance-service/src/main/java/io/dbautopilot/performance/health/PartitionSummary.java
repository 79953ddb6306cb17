package io.dbautopilot.performance.health;

import io.dbautopilot.support.partition.PartitionCoverage;
import io.dbautopilot.support.partition.PartitionKey;
import io.dbautopilot.support.partition.PartitionedTable;
import io.dbautopilot.support.partition.RangePartition;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Sums a partitioned table's catalog facts up into its {@link PartitionSetHealth} at a moment (pure: no database). */
final class PartitionSummary {

    private PartitionSummary() {
    }

    /** A table whose coverage is not measured, and why. */
    static PartitionSetHealth unmeasured(String database, PartitionedTable table, PartitionKey key) {
        String problem = "not range-partitioned on one date/timestamp column (" + key.describe() + ")";
        return new PartitionSetHealth(database, table.qualified(), key.type(), problem, null, 0, null, false, null, null,
                0, 0, List.of(), List.of(), null, null, List.of(problem), false, List.of());
    }

    /** The health of a time-range-partitioned table with these partitions, at {@code now}. */
    static PartitionSetHealth of(String database, PartitionedTable table, PartitionKey key, List<RangePartition> partitions,
                                 Instant now) {
        Optional<String> interval = PartitionCoverage.interval(partitions);
        String defaultPartition = partitions.stream().filter(RangePartition::defaultPartition).findFirst()
                .map(p -> p.schema() + "." + p.name()).orElse(null);
        Instant since = PartitionCoverage.coveredSince(partitions, now);
        Instant until = PartitionCoverage.coveredUntil(partitions, now);
        boolean covered = since != null;
        int behind = (int) partitions.stream().filter(p -> p.to() != null && !p.to().isAfter(now)).count();
        int ahead = (int) partitions.stream().filter(p -> p.from() != null && p.from().isAfter(now)).count();

        List<PartitionSetHealth.Gap> gaps = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (PartitionCoverage.Gap g : PartitionCoverage.gaps(partitions)) {
            List<String> periods = interval.map(i -> PartitionCoverage.periods(i, g).stream().map(Object::toString).toList())
                    .orElse(List.of());
            gaps.add(new PartitionSetHealth.Gap(g.from(), g.to(), periods));
            missing.addAll(periods);
        }
        String currentPeriod = null;
        if (!covered && interval.isPresent()) {
            LocalDate start = PartitionCoverage.periodStart(interval.get(), now.atZone(ZoneOffset.UTC).toLocalDate());
            currentPeriod = start + "/" + PartitionCoverage.next(interval.get(), start);
            if (!missing.contains(currentPeriod)) {
                missing.add(currentPeriod);
            }
        }

        Optional<RangePartition> oldest = partitions.stream().filter(p -> p.from() != null)
                .min(Comparator.comparing(RangePartition::from));
        PartitionSetHealth.Retention retention = new PartitionSetHealth.Retention(
                oldest.map(p -> p.schema() + "." + p.name()).orElse(null), oldest.map(RangePartition::from).orElse(null),
                oldest.map(p -> Math.round(Duration.between(p.from(), now).toMinutes() / 1440.0 * 100) / 100.0).orElse(null),
                null);

        List<String> issues = new ArrayList<>();
        if (partitions.isEmpty()) {
            issues.add("no partition attached: every insert fails");
        } else {
            if (!gaps.isEmpty()) {
                issues.add(gaps.size() + " gap(s) between partitions: " + gaps.stream()
                        .map(g -> g.from() + "/" + g.to()).toList() + (defaultPartition == null
                        ? " (rows there are refused)" : " (rows there go to the default partition)"));
            }
            if (!covered) {
                issues.add("no partition holds now" + (currentPeriod == null ? "" : " (" + currentPeriod + ")")
                        + (defaultPartition == null ? ": inserts of current rows fail" : ": current rows go to the default partition"));
            } else if (ahead == 0 && interval.isPresent()) {
                issues.add("no partition ahead of now: coverage ends at " + until);
            }
        }
        Long total = partitions.stream().anyMatch(p -> p.totalBytes() == null) ? null
                : partitions.stream().mapToLong(RangePartition::totalBytes).sum();
        List<PartitionSetHealth.Partition> list = partitions.stream().map(p -> new PartitionSetHealth.Partition(
                p.schema() + "." + p.name(), p.from(), p.to(), p.totalBytes(), p.defaultPartition())).toList();
        return new PartitionSetHealth(database, table.qualified(), key.type(), null, interval.orElse(null),
                partitions.size(), defaultPartition, covered, since, until, behind, ahead, List.copyOf(gaps),
                List.copyOf(missing), retention, total, List.copyOf(issues), issues.isEmpty(), list);
    }
}
