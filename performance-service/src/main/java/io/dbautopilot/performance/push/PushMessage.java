package io.dbautopilot.performance.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One message of the push channel, {@code {"type": ..., "target_id": ..., "at": ..., "data": {...}}}.
 *
 * @param type     one of the type constants of this record
 * @param targetId the target it is about
 * @param at       when it happened (cycle start, state change, event time)
 * @param data     the type's fields
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PushMessage(String type, String targetId, Instant at, Object data) {

    /** A target's headline numbers after one collection cycle ({@link PerformanceData}). */
    public static final String DATABASE_PERFORMANCE = "database_performance";
    /** A published anomaly state change: opened, escalated or resolved ({@link AlertData}). */
    public static final String PERFORMANCE_ALERT = "performance_alert";
    /** A state change of an operation of the automation service ({@link OperationData}). */
    public static final String OPERATION = "operation";
    /** A state change of a partition upkeep operation, with its effect once it ended ({@link PartitionData}). */
    public static final String PARTITION_STATUS = "partition_status";
    /** Benchmark progress or end, as on the live stream ({@code BenchmarkMessage}). */
    public static final String PERFORMANCE_BENCHMARK = "performance_benchmark";
}
