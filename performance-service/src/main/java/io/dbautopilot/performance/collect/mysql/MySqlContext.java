package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.performance.collect.CounterHistory;
import io.dbautopilot.performance.collect.DatabaseFilter;
import io.dbautopilot.performance.collect.TargetsConfig;

import java.time.Instant;
import java.util.List;

/**
 * What a MySQL family may know about the cycle it runs in.
 *
 * @param targetId   configured target id
 * @param probe      the cycle's probe (version, flavour, schemas)
 * @param schemas    the schemas to report per-table and per-index metrics of (after include/exclude filters)
 * @param filter     the target's include/exclude filter of schemas
 * @param cycleStart when the cycle started
 * @param counters   counter history of this target, for rates and per-interval deltas
 * @param settings   collection settings shared by all targets
 */
public record MySqlContext(String targetId, MySqlProbe probe, List<String> schemas, DatabaseFilter filter,
                           Instant cycleStart, CounterHistory counters, TargetsConfig.Collection settings) {

    /** Identifies this life of the server (its start time), so counters restart cleanly after a restart. */
    public String epoch() {
        return Long.toString(probe.startedAt());
    }
}
