package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One point of the dashboard's live charts: a target's key numbers after one collection cycle. A number the
 * target could not give this time (unreachable, family not run yet, no standby) is null, never zero.
 *
 * @param target               target id
 * @param at                   when the cycle started
 * @param reachable            whether the cycle reached the server
 * @param tps                  transactions per second, every database summed
 * @param cacheHitRatio        buffer cache hit ratio since the previous reading of the database counters
 * @param connectionsUsed      client connections in use
 * @param connectionsMax       usable connections ({@code max_connections} minus reserved)
 * @param deadTuples           dead tuples, every table of every visited database summed
 * @param replicationLagBytes  largest replay lag of a standby in bytes (on a primary with standbys)
 * @param replicationLagSeconds replay lag in seconds: the largest of the standbys, or on a standby its own
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LiveSample(String target, Instant at, boolean reachable, Double tps, Double cacheHitRatio,
                         Double connectionsUsed, Double connectionsMax, Double deadTuples,
                         Double replicationLagBytes, Double replicationLagSeconds) {
}
