package io.dbautopilot.automation.partition;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Partition upkeep schedule ({@code autopilot.partitions.*}); the tables are configured per managed database. */
@ConfigMapping(prefix = "autopilot.partitions")
public interface PartitionsConfig {

    /** How often the configured partitioned tables are checked (env: {@code AUTOPILOT_PARTITIONS_CHECK_INTERVAL}). */
    @WithDefault("10m")
    String checkInterval();
}
