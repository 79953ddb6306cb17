package io.dbautopilot.performance.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One target's database health ({@code GET /api/health/database}). A value the target could not give (down, family
 * not run yet, engine without it) or that only its owning instance holds is null, never zero.
 *
 * @param target          target id
 * @param engine          its engine
 * @param owner           the instance that collects it (null while no instance holds its registry partition)
 * @param collectedHere   whether this instance collects it (only then are the current values below filled in)
 * @param status          {@code up}, {@code down} (the last cycle did not reach the server) or {@code unknown} (no
 *                        cycle yet, or not collected)
 * @param lastCycleAt     start of its last collection cycle
 * @param error           why the last cycle failed, when it is down (the server's or driver's message)
 * @param connections     client connections against the maximum
 * @param cacheHitRatio   buffer cache hit ratio of the worst database over the last interval
 * @param cacheHitRatios  that ratio per database
 * @param slowQueries     slow statements and the longest running query
 * @param databaseSizes   bytes per database (schema on MySQL / MariaDB)
 * @param totalSizeBytes  their sum
 * @param score           health score 0–100 ({@code GET /api/targets/{id}/health} has the detail)
 * @param grade           A+, A, B, C, D or F
 * @param note            what is missing and why
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DatabaseHealth(String target, String engine, String owner, boolean collectedHere, String status,
                             Instant lastCycleAt, String error, Connections connections, Double cacheHitRatio,
                             Map<String, Double> cacheHitRatios, SlowQueries slowQueries, Map<String, Long> databaseSizes,
                             Long totalSizeBytes, Integer score, String grade, String note) {

    /**
     * Connections.
     *
     * @param used           client connections in use
     * @param max            connections clients may use ({@code max_connections} minus reserved slots on PostgreSQL,
     *                       {@code max_connections} on MySQL / MariaDB)
     * @param utilization    {@code used / max}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Connections(Double used, Double max, Double utilization) {
    }

    /**
     * Slow queries.
     *
     * @param slowStatements          statements whose mean execution time is above {@code thresholdSeconds}
     *                                (pg_stat_statements / performance_schema digests)
     * @param thresholdSeconds        the slow threshold ({@code autopilot.collection.slow-statement-mean})
     * @param longestRunningSeconds   how long the longest statement running now has been running
     * @param slowest                 the slowest statements by mean time (ids only: query texts are never collected)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SlowQueries(Double slowStatements, double thresholdSeconds, Double longestRunningSeconds,
                              List<SlowStatement> slowest) {
    }

    /**
     * A statement flagged slow.
     *
     * @param database    database it runs in
     * @param user        role that runs it
     * @param queryid     pg_stat_statements query id
     * @param meanSeconds mean execution time
     * @param calls       calls since statistics were reset
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SlowStatement(String database, String user, String queryid, double meanSeconds, Double calls) {
    }

    /**
     * The answer.
     *
     * @param instance   the instance that answered (targets of other instances show what their owner last stored)
     * @param computedAt when it was computed
     * @param targets    one entry per target, by id
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Answer(String instance, Instant computedAt, List<DatabaseHealth> targets) {
    }
}
