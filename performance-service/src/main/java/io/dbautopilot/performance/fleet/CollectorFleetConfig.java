package io.dbautopilot.performance.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * How performance-service instances share the fleet ({@code autopilot.fleet.*}; environment variables
 * {@code AUTOPILOT_FLEET_...}): one Kafka consumer group over the registry's partitions decides which instance collects
 * which target.
 */
@ConfigMapping(prefix = "autopilot.fleet")
public interface CollectorFleetConfig {

    /** Consumer group of the collectors ({@code AUTOPILOT_FLEET_COLLECTOR_GROUP}); every instance of one fleet uses the same. */
    @WithDefault("db-autopilot-performance-collectors")
    String collectorGroup();

    /**
     * This instance's name in the group ({@code AUTOPILOT_FLEET_INSTANCE_ID}): the consumer's {@code client.id} and
     * {@code group.instance.id}, shown as a target's {@code owner}; default host name and process id. Must be unique in
     * the fleet.
     */
    Optional<String> instanceId();

    /**
     * How long the group waits for a silent instance before moving its targets ({@code AUTOPILOT_FLEET_SESSION_TIMEOUT});
     * within the broker's {@code group.min/max.session.timeout.ms}.
     */
    @WithDefault("10s")
    Duration sessionTimeout();

    /** How often the consumer tells the group it is alive ({@code AUTOPILOT_FLEET_HEARTBEAT_INTERVAL}); below a third of the session timeout. */
    @WithDefault("3s")
    Duration heartbeatInterval();

    /**
     * How long giving up a target waits for its cycle in flight (and the detection that follows) before letting the
     * new owner start ({@code AUTOPILOT_FLEET_DRAIN_TIMEOUT}).
     */
    @WithDefault("20s")
    Duration drainTimeout();

    /** How long start-up waits for this instance's first share of the targets ({@code AUTOPILOT_FLEET_ASSIGNMENT_TIMEOUT}). */
    @WithDefault("30s")
    Duration assignmentTimeout();

    /** How long {@code GET /api/targets} reuses the group's membership (who owns which partition) ({@code AUTOPILOT_FLEET_OWNERS_CACHE}). */
    @WithDefault("3s")
    Duration ownersCache();
}
