package io.dbautopilot.automation.partition;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * The state of one configured range-partitioned table ({@code GET /api/partitions}).
 *
 * @param database         managed database id
 * @param partitionSet     configured name ({@code autopilot.databases.<id>.partitions.<name>})
 * @param table            the partitioned table
 * @param problem          why it cannot be kept up (missing table, not range-partitioned on a time column); null if fine
 * @param interval         partition width
 * @param partitions       attached partitions
 * @param coveredUntil     upper bound of the contiguous coverage from the current period on; null when none
 * @param missingAhead     periods ({@code from/to}) among the current and the next {@code premake} without a partition
 * @param beyondRetention  attached partitions whose upper bound is older than the retention
 * @param healthy          no problem, nothing missing, nothing beyond retention
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PartitionHealth(String database, String partitionSet, String table, String problem, String interval,
                              int partitions, Instant coveredUntil, List<String> missingAhead,
                              List<String> beyondRetention, boolean healthy) {
}
