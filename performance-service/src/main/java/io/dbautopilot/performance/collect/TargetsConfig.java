package io.dbautopilot.performance.collect;

import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets this service watches ({@code autopilot.targets.<id>.*}) and how it collects from them. */
@ConfigMapping(prefix = "autopilot")
public interface TargetsConfig {

    /** Monitored targets by id; the id is the Kafka key and CloudEvents subject of everything about the target. */
    Map<String, Target> targets();

    /** Settings shared by all targets. */
    Collection collection();

    /** One monitored server (PostgreSQL, MySQL or MariaDB: the URL's scheme says which). */
    interface Target {

        /**
         * Where the server is, {@code postgresql://host:port/database[?sslmode=…]} or
         * {@code mysql://} / {@code mariadb://host:port/database[?ssl-mode=…]} (a {@code jdbc:} prefix is accepted;
         * credentials inside are refused: they go in {@code username} / {@code password}).
         */
        DatabaseUrl url();

        /** User to connect as; may reference an environment variable, e.g. {@code ${ORDERS_DB_USER}}. */
        Optional<String> username();

        /** Password of that user; reference an environment variable ({@code ${ORDERS_DB_PASSWORD}}), never commit it. */
        Optional<String> password();

        /** Base tick: how often a cycle runs; each family runs on the first tick after its own interval. */
        @WithDefault("15s")
        Duration interval();

        /** Per-statement timeout on the target ({@code statement_timeout}). */
        @WithDefault("5s")
        Duration queryTimeout();

        /** Upper bound on connections this service opens to the target (at least 2: server-wide and per-database). */
        @WithDefault("3")
        int maxConnections();

        /** Time a cycle may take; families still due when it is spent are skipped, and the next cycle sheds heavy families. */
        @WithDefault("10s")
        Duration cycleBudget();

        /** Databases to collect per-database families from (glob patterns, {@code *} and {@code ?}); default all. */
        Optional<List<String>> includeDatabases();

        /** Databases never to collect per-database families from (glob patterns); applied after the includes. */
        Optional<List<String>> excludeDatabases();

        /** Families not to collect for this target, e.g. {@code bloat,statements}. */
        Optional<List<String>> disabledFamilies();

        /** Per-family interval overrides for this target, e.g. {@code family-intervals.tables=2m}. */
        Map<String, Duration> familyIntervals();

        /** Overrides {@code autopilot.collection.busy-connection-ratio} for this target. */
        Optional<Double> busyConnectionRatio();

        /** Collect host metrics (CPU, memory, disk, network) of this machine with the target; default: when the target is on this host. */
        Optional<Boolean> hostMetrics();

        /** The target's data directory on this host, for disk metrics; default: {@code SHOW data_directory} when readable. */
        Optional<String> dataDirectory();
    }

    /** Collection settings shared by all targets. */
    interface Collection {

        /** Per-family interval overrides for every target, e.g. {@code autopilot.collection.family-intervals.bloat=30m}. */
        Map<String, Duration> familyIntervals();

        /** A target is busy (heavy families skipped) when client connections reach this share of usable connections. */
        @WithDefault("0.9")
        double busyConnectionRatio();

        /** A target is busy when at least this many backends are active (running a query); 0 disables the check. */
        @WithDefault("0")
        int busyActiveBackends();

        /** How many statements to report per ranking (total time, mean time, time this interval). */
        @WithDefault("25")
        int statementsTopN();

        /** Statements whose mean execution time exceeds this are flagged slow. */
        @WithDefault("100ms")
        Duration slowStatementMean();

        /** How many of the oldest tables (by transaction ID age) to report per database. */
        @WithDefault("10")
        int oldestTables();

        /**
         * How long a relation's size or column-statistics summary (bloat input) is reused while nothing shows it
         * changed (file node, tuple counters, last analyze); {@code 0s} re-reads every relation on every run.
         */
        @WithDefault("1h")
        Duration relationCacheMaxAge();

        /**
         * How long a snapshot may wait for Kafka's acknowledgement before it counts as not published (the cycle never
         * waits for it; while one waits, the target's newer snapshots are skipped).
         */
        @WithDefault("30s")
        Duration publishTimeout();
    }
}
