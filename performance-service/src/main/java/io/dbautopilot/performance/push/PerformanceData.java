package io.dbautopilot.performance.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * Data of a {@value PushMessage#DATABASE_PERFORMANCE} message: the live sample of the cycle plus the slow statements
 * and the latest health score. A number the target could not give this time is null, never zero.
 *
 * @param reachable             whether the cycle reached the server
 * @param tps                   transactions per second, every database summed
 * @param cacheHitRatio         buffer cache hit ratio since the previous reading
 * @param connectionsUsed       client connections in use
 * @param connectionsMax        usable connections
 * @param deadTuples            dead tuples, every visited table summed
 * @param replicationLagBytes   largest replay lag of a standby in bytes
 * @param replicationLagSeconds replay lag in seconds
 * @param slowQueries           statements whose mean time is above the slow threshold ({@code pg_stat_statements_slow_count})
 * @param healthScore           latest health score 0–100 (may be of the previous cycle: see healthAt)
 * @param healthGrade           its grade
 * @param healthAt              start of the cycle the health score was computed from
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PerformanceData(boolean reachable, Double tps, Double cacheHitRatio, Double connectionsUsed,
                              Double connectionsMax, Double deadTuples, Double replicationLagBytes,
                              Double replicationLagSeconds, Double slowQueries, Integer healthScore, String healthGrade,
                              Instant healthAt) {
}
