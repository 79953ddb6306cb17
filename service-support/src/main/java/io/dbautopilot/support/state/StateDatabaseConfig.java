package io.dbautopilot.support.state;

import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where a service keeps its own state (its own schema, migrated by Flyway); the datasource settings of each service
 * are derived from these three, so one URL serves both Flyway (JDBC) and the reactive client.
 */
@ConfigMapping(prefix = "autopilot.state")
public interface StateDatabaseConfig {

    /** State database URL, {@code postgresql://host:port/database}, no credentials inside (env: {@code AUTOPILOT_STATE_URL}). */
    @WithDefault("postgresql://localhost:5432/autopilot")
    DatabaseUrl url();

    /** State database user (env: {@code AUTOPILOT_STATE_USERNAME}). */
    @WithDefault("autopilot")
    String username();

    /** State database password (env: {@code AUTOPILOT_STATE_PASSWORD}). */
    @WithDefault("autopilot")
    String password();
}
