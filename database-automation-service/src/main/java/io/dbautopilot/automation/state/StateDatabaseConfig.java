package io.dbautopilot.automation.state;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where this service keeps its own state (schema {@code automation}); the datasource settings are derived
 * from these three, so one URL serves both Flyway (JDBC) and the reactive client.
 */
@ConfigMapping(prefix = "autopilot.state")
public interface StateDatabaseConfig {

    /** State database URI, {@code postgresql://host:port/database} (env: {@code AUTOPILOT_STATE_URL}). */
    @WithDefault("postgresql://localhost:5432/autopilot")
    String url();

    /** State database user (env: {@code AUTOPILOT_STATE_USERNAME}). */
    @WithDefault("autopilot")
    String username();

    /** State database password (env: {@code AUTOPILOT_STATE_PASSWORD}). */
    @WithDefault("autopilot")
    String password();
}
