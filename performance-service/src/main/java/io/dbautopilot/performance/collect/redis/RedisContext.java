package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.performance.collect.CounterHistory;

import java.time.Instant;

/**
 * What a Redis family needs besides its connection.
 *
 * @param targetId   the target
 * @param info       the cycle's {@code INFO} answer (read once per cycle, shared by the families)
 * @param cycleStart when the cycle started
 * @param counters   counter history of this target, for per-interval ratios
 */
public record RedisContext(String targetId, RedisInfo info, Instant cycleStart, CounterHistory counters) {

    /** Identifies this life of the server (its run id), so counters restart cleanly after a restart. */
    public String epoch() {
        String runId = info.text("run_id");
        return runId == null ? "" : runId;
    }
}
