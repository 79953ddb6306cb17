package io.dbautopilot.support.tool;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Where the services find external programs ({@code autopilot.tools.*}). */
@ConfigMapping(prefix = "autopilot.tools")
public interface ToolsConfig {

    /**
     * Directory of the external programs (pg_dump, pg_basebackup, pg_ctl, pgbackrest, psql…), looked in first (env
     * {@code AUTOPILOT_TOOLS_DIRECTORY}; the deprecated {@code PG_BIN} is the fallback); default: none, then the newest
     * {@code /usr/lib/postgresql/<n>/bin} for PostgreSQL programs, then the PATH.
     */
    Optional<String> directory();
}
