package io.dbautopilot.automation.database;

import io.dbautopilot.model.Trust;
import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The databases this service may operate on as local properties ({@code autopilot.databases.<id>.*}); merged with the
 * fleet registry's targets by {@link ManagedDatabases} (a property that is set wins over the registry's field).
 */
@ConfigMapping(prefix = "autopilot")
public interface ManagedDatabasesConfig {

    /** Local settings by id ({@code autopilot.databases.<id>.*}); the id is the Kafka key of their events. */
    Map<String, Local> databases();

    /** Trust of targets that set none ({@code autopilot.trust.*}). */
    TrustDefault trust();

    /** The trust a target gets when neither its local {@code trust} property nor its registry definition sets one. */
    interface TrustDefault {

        /**
         * {@code observe}, {@code approve} or {@code auto} (default {@code auto}: policy modes apply); a bad value fails
         * the start naming the setting (env: {@code AUTOPILOT_TRUST_DEFAULT}).
         */
        @WithName("default")
        @WithDefault("auto")
        String level();
    }

    /**
     * The local properties of one database, each empty when unset (then the registry's value or the default applies,
     * see {@link DatabaseSettings}).
     */
    interface Local {

        /** Where the database is; required unless the registry has a target with this id. */
        Optional<DatabaseUrl> url();

        /** User to connect as; wins over the registry's {@code username}. */
        Optional<String> username();

        /** Password; wins over the registry's {@code credentials_ref}. Reference an environment variable. */
        Optional<String> password();

        /** {@code lock_timeout} of maintenance statements (default 2s). */
        Optional<Duration> lockTimeout();

        /** Upper bound of {@code statement_timeout} (default 30m). */
        Optional<Duration> statementTimeout();

        /** Maintenance windows, each {@code "<5-field cron> <duration>"}. */
        Optional<List<String>> maintenanceWindows();

        /** Time zone of the maintenance windows (default UTC). */
        Optional<String> timeZone();

        /** Per-database mode overrides of policy rules, merged rule by rule over the registry's. */
        @WithName("policy")
        Map<String, String> policyOverrides();

        /** See {@link Database#longTransactionLimit()} (default 5m). */
        Optional<Duration> longTransactionLimit();

        /** See {@link Database#replicationLagLimitBytes()} (default 256 MiB). */
        Optional<Long> replicationLagLimitBytes();

        /** See {@link Database#minFreeDiskBytes()} (default 1 GiB). */
        Optional<Long> minFreeDiskBytes();

        /** See {@link Database#diskCapacityBytes()}. */
        Optional<Long> diskCapacityBytes();

        /** See {@link Database#slowQueryThreshold()} (default 5s). */
        Optional<Duration> slowQueryThreshold();

        /** Trust level {@code observe|approve|auto}; wins over the registry's {@code trust} (default {@code autopilot.trust.default}). */
        Optional<String> trust();

        /** Declaratively range-partitioned tables kept up by this service, by a name of your choice. */
        Map<String, PartitionedTable> partitions();

        /** {@code on} runs the canary on this database (docs/canary.md); wins over the registry's {@code automation.canary} (default off). */
        Optional<String> canary();
    }

    /** One managed PostgreSQL database as the rest of the service reads it: local properties, registry, defaults. */
    interface Database {

        /**
         * Where the database is, {@code postgresql://host:port/database[?sslmode=…]} or {@code mysql://} / {@code mariadb://host:port/database[?ssl-mode=…]} (a {@code jdbc:} prefix is
         * accepted; credentials inside are refused: they go in {@code username} / {@code password}).
         */
        DatabaseUrl url();

        /** User to connect as; reference an environment variable, e.g. {@code ${ORDERS_DB_USER}}. */
        Optional<String> username();

        /** Password of that user; reference an environment variable ({@code ${ORDERS_DB_PASSWORD}}), never commit it. */
        Optional<String> password();

        /** {@code lock_timeout} of every maintenance statement; a statement that waits longer is retried, then deferred. */
        Duration lockTimeout();

        /** Upper bound of {@code statement_timeout} of every statement (lowered further to the remaining time budget). */
        Duration statementTimeout();

        /**
         * Maintenance windows, each {@code "<5-field cron> <duration>"} in {@link #timeZone()} (the syntax of
         * performance-service's windows), e.g. {@code 0 1 * * * 3h} (daily 01:00-04:00), {@code 0 22 * * MON-FRI 4h};
         * a comma inside a cron field is written {@code \,}. Without windows, window-mode operations wait with the
         * reason "no window".
         */
        Optional<List<String>> maintenanceWindows();

        /** Time zone of the maintenance windows (IANA id, e.g. {@code Europe/Berlin}). */
        String timeZone();

        /** Per-database mode overrides of policy rules: {@code policy.<rule name>=auto|window|approval|off}. */
        Map<String, String> policyOverrides();

        /** Precondition: a transaction open longer than this on the database defers heavy maintenance. */
        Duration longTransactionLimit();

        /** Precondition: replication replay lag (bytes) above this on any standby defers heavy maintenance. */
        long replicationLagLimitBytes();

        /**
         * Precondition: minimum free bytes on the data volume, checked only when {@code disk-capacity-bytes} is set
         * (PostgreSQL cannot report free disk space over SQL); free = capacity - size of all databases.
         */
        long minFreeDiskBytes();

        /** Size of the database server's data volume in bytes, for the low-disk precondition; unset = not checked. */
        Optional<Long> diskCapacityBytes();

        /** A query active longer than this counts as slow in {@code GET /api/databases}. */
        Duration slowQueryThreshold();

        /** Declaratively range-partitioned tables kept up by this service, by a name of your choice. */
        Map<String, PartitionedTable> partitions();

        /** How far this service may act on its own (local {@code trust} property, else the registry's). */
        default Trust trust() {
            return Trust.AUTO;
        }

        /** Whether the canary runs on this database (local {@code canary} property, else the registry's; default off). */
        default boolean canary() {
            return false;
        }
    }

    /** One range-partitioned table ({@code PARTITION BY RANGE} on one date/timestamp column) and its upkeep. */
    interface PartitionedTable {

        /** The partitioned table, {@code schema.table}. */
        String table();

        /** Partition width: {@code daily}, {@code weekly} (Monday-based) or {@code monthly} (UTC boundaries). */
        @WithDefault("daily")
        String interval();

        /** How many partitions after the current one must exist. */
        @WithDefault("3")
        int premake();

        /**
         * Partitions whose upper bound is older than this are beyond retention (detached, or dropped when the policy
         * says so); unset = kept forever.
         */
        Optional<Duration> retention();
    }
}
