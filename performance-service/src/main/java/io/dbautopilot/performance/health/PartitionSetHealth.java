package io.dbautopilot.performance.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One partitioned table of a target ({@code GET /api/health/partitions}): how its partitions cover time around now,
 * the periods missing between them, how far back they reach, and their storage.
 *
 * @param database             database it is in
 * @param table                {@code schema.table}
 * @param keyType              type of the partition key column (null for an expression key)
 * @param problem              why its coverage is not measured (not range-partitioned on one date/timestamp column);
 *                             null when it is
 * @param interval             the interval most partitions follow ({@code daily}, {@code weekly}, {@code monthly}); null
 *                             when they follow none
 * @param partitions           attached partitions
 * @param defaultPartition     its DEFAULT partition ({@code schema.name}), if any
 * @param currentPeriodCovered whether a partition holds now
 * @param coveredSince         lower bound of the contiguous coverage holding now (null when now is not covered)
 * @param coveredUntil         upper bound of the contiguous coverage holding now (null when now is not covered)
 * @param partitionsBehind     partitions that end at or before now
 * @param partitionsAhead      partitions that start after now
 * @param gaps                 time ranges between partitions that no partition covers, oldest first
 * @param missingPeriods       the periods of {@code interval} inside those gaps, and the current one when no partition
 *                             holds now ({@code from/to} in UTC days)
 * @param retention            how far back the partitions reach
 * @param totalBytes           storage of every partition (with indexes and TOAST)
 * @param issues               what is wrong, in words (empty when healthy)
 * @param healthy              no problem, no gap, now covered and (for a table that follows an interval) a partition
 *                             starting after now
 * @param partitionList        every partition, oldest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PartitionSetHealth(String database, String table, String keyType, String problem, String interval,
                                 int partitions, String defaultPartition, boolean currentPeriodCovered,
                                 Instant coveredSince, Instant coveredUntil, int partitionsBehind, int partitionsAhead,
                                 List<Gap> gaps, List<String> missingPeriods, Retention retention, Long totalBytes,
                                 List<String> issues, boolean healthy, List<Partition> partitionList) {

    /**
     * A range no partition covers.
     *
     * @param from    start (the end of the partition before)
     * @param to      end (the start of the partition after)
     * @param periods the whole periods of the table's interval inside it
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Gap(Instant from, Instant to, List<String> periods) {
    }

    /**
     * How far back the partitions reach.
     *
     * @param oldestPartition  the partition with the lowest lower bound ({@code schema.name})
     * @param oldestFrom       its lower bound
     * @param retainedDays     days from that bound to now
     * @param configured       the retention the automation service keeps it to, when known here; null (it is set per
     *                         managed database in the automation service, {@code autopilot.databases.<id>.partitions.<set>.retention})
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Retention(String oldestPartition, Instant oldestFrom, Double retainedDays, String configured) {
    }

    /**
     * One partition.
     *
     * @param name             {@code schema.name}
     * @param from             lower bound (null for DEFAULT or MINVALUE)
     * @param to               upper bound (null for DEFAULT or MAXVALUE)
     * @param bytes            storage with indexes and TOAST
     * @param defaultPartition whether it is the DEFAULT partition
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Partition(String name, Instant from, Instant to, Long bytes, boolean defaultPartition) {
    }

    /**
     * The partitioned tables of one target.
     *
     * @param target        target id
     * @param owner         the instance that collects it
     * @param collectedHere whether this instance collects it (only then is it inspected here)
     * @param status        {@code inspected}, {@code down} (the last cycle did not reach it: not inspected),
     *                      {@code unavailable} (its engine has no partition inspection) or {@code elsewhere}
     * @param databases     databases inspected
     * @param tables        partitioned tables found, by database and name
     * @param errors        database to why it could not be inspected
     * @param note          why it was not inspected
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TargetPartitions(String target, String owner, boolean collectedHere, String status,
                                   List<String> databases, List<PartitionSetHealth> tables, Map<String, String> errors,
                                   String note) {
    }

    /**
     * The answer.
     *
     * @param instance   the instance that answered
     * @param computedAt when it was computed
     * @param targets    one entry per target, by id
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Answer(String instance, Instant computedAt, List<TargetPartitions> targets) {
    }
}
