package io.dbautopilot.support.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The fleet registry on Kafka ({@code autopilot.targets.v1}) as both services read and write it. */
@ConfigMapping(prefix = "autopilot.fleet")
public interface FleetConfig {

    /** Partitions of the registry topic when this service creates it; the unit of sharding across instances. */
    @WithDefault("12")
    int partitions();

    /** Replication factor of the registry topic when this service creates it; default: the broker's default. */
    Optional<Short> replicationFactor();

    /** How long start-up waits to have read the whole registry before it serves and collects. */
    @WithDefault("60s")
    Duration catchUpTimeout();

    /** How long a registry write waits for the broker's acknowledgement and to be read back. */
    @WithDefault("15s")
    Duration writeTimeout();
}
