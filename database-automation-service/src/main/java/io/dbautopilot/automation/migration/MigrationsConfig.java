package io.dbautopilot.automation.migration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Schema migrations of managed databases ({@code autopilot.migrations.*}); the scripts' location per database is
 * {@code autopilot.migrations.databases.<id>.location}.
 */
@ConfigMapping(prefix = "autopilot.migrations")
public interface MigrationsConfig {

    /** Migration settings per managed database id (same ids as {@code autopilot.databases.<id>}). */
    Map<String, Database> databases();

    /** How often pending migrations are looked for (env {@code AUTOPILOT_MIGRATIONS_CHECK_INTERVAL}). */
    @WithDefault("10m")
    Duration checkInterval();

    /** Whether a pre-migration backup is taken before applying (env {@code AUTOPILOT_MIGRATIONS_BACKUP_ENABLED}). */
    @WithName("backup.enabled")
    @WithDefault("true")
    boolean backupEnabled();

    /** Directory of the pre-migration {@code pg_dump} archives (env {@code AUTOPILOT_MIGRATIONS_BACKUP_DIRECTORY}). */
    @WithName("backup.directory")
    @WithDefault("data/pre-migration-backups")
    String backupDirectory();

    /**
     * Time limit of the pre-migration {@code pg_dump} (and of its {@code pg_restore --list} check); the dump is killed
     * when it is spent and the migration does not run (env {@code AUTOPILOT_MIGRATIONS_BACKUP_TIMEOUT}).
     */
    @WithName("backup.timeout")
    @WithDefault("1h")
    Duration backupTimeout();

    /** How long a runner waits for another runner's lease on the same database (env {@code AUTOPILOT_MIGRATIONS_LOCK_WAIT}). */
    @WithDefault("10m")
    Duration lockWait();

    /** Lease of the runner lock; renewed every third of it while the runner works (env {@code AUTOPILOT_MIGRATIONS_LOCK_LEASE}). */
    @WithDefault("60s")
    Duration lockLease();

    /** Time budget of one migration attempt (env {@code AUTOPILOT_MIGRATIONS_TIME_BUDGET}). */
    @WithDefault("2h")
    Duration timeBudget();

    /** The lint of pending migrations before they are applied ({@link MigrationLint}). */
    Lint lint();

    /** Limits of the migration lint. */
    interface Lint {

        /**
         * A table with at least this many rows (estimated: pg_class.reltuples) is large: a {@code CREATE INDEX} on it
         * without {@code CONCURRENTLY} needs approval (env {@code AUTOPILOT_MIGRATIONS_LINT_LARGE_TABLE_ROWS}).
         */
        @WithDefault("100000")
        long largeTableRows();

        /**
         * A table of at least this many 8 KiB pages (pg_class.relpages or its current size) is large too; default
         * 12800 = 100 MiB (env {@code AUTOPILOT_MIGRATIONS_LINT_LARGE_TABLE_PAGES}).
         */
        @WithDefault("12800")
        long largeTablePages();
    }

    /** Migration settings of one managed database. */
    interface Database {

        /** Directory of the {@code V<version>__<description>.sql} scripts and their {@code U<version>__*.sql} undo scripts. */
        String location();

        /** Schema of Flyway's history table and default schema of the scripts; default: the connection's {@code current_schema()}. */
        Optional<String> schema();

        /** Flyway's history table. */
        @WithDefault("flyway_schema_history")
        String table();
    }
}
