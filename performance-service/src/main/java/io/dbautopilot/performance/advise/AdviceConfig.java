package io.dbautopilot.performance.advise;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How and how often the advisors run ({@code autopilot.advice.*}); every setting has an environment variable. */
@ConfigMapping(prefix = "autopilot.advice")
public interface AdviceConfig {

    /** Whether the advisors run at all. */
    @WithDefault("true")
    boolean enabled();

    /** How often every advisor runs for every target (independent of the collection tick). */
    @WithDefault("10m")
    Duration interval();

    /** How long an advisor waits for one of the target's connections (max-connections) before skipping a database. */
    @WithDefault("30s")
    Duration connectionWait();

    /** How often the recommendation outbox is relayed to Kafka. */
    @WithDefault("1s")
    Duration relayInterval();

    /** Outbox rows relayed per batch. */
    @WithDefault("100")
    int relayBatch();

    /** How long the relay waits for the broker to acknowledge one event. */
    @WithDefault("30s")
    Duration publishTimeout();

    /** Missing-index advisor settings. */
    MissingIndex missingIndex();

    /** Index hygiene settings. */
    Hygiene hygiene();

    /** Vacuum / analyze advisor settings. */
    Vacuum vacuum();

    /** Configuration advisor settings. */
    Configuration configuration();

    /** Security advisor settings. */
    Security security();

    /** Settings of the missing-index advisor. */
    interface MissingIndex {

        /** Statements (by total execution time, per database) whose generic plans are examined. */
        @WithDefault("20")
        int topStatements();

        /** Tables with fewer estimated rows are never worth an index suggestion. */
        @WithDefault("10000")
        long minTableRows();

        /** A sequential scan is selective when it returns at most this share of the table's rows. */
        @WithDefault("0.05")
        double maxSelectivity();

        /** Statements called fewer times than this are ignored. */
        @WithDefault("5")
        long minCalls();

        /** A HypoPG-validated candidate must cut the plan's total cost by at least this share. */
        @WithDefault("0.2")
        double minCostReduction();
    }

    /** Settings of the index hygiene advisor. */
    interface Hygiene {

        /** An index is called unused only after the statistics have accumulated this long (since reset or start). */
        @WithDefault("7d")
        Duration unusedMinStatsAge();

        /** Unused indexes smaller than this are not worth a recommendation. */
        @WithDefault("0")
        long unusedMinBytes();
    }

    /** Settings of the vacuum / analyze advisor. */
    interface Vacuum {

        /** Dead tuples below this never trigger a vacuum suggestion. */
        @WithDefault("1000")
        long minDeadTuples();

        /** Share of dead tuples among all tuples at which a table whose autovacuum threshold is passed gets advice. */
        @WithDefault("0.1")
        double minDeadRatio();

        /** Rows modified since the last analyze below this never trigger an analyze suggestion. */
        @WithDefault("1000")
        long minModifiedRows();

        /** Share of autovacuum_freeze_max_age at which a table gets a VACUUM (FREEZE) suggestion. */
        @WithDefault("0.8")
        double freezeAgeRatio();
    }

    /** Settings of the configuration advisor. */
    interface Configuration {

        /** Database cache hit ratio below which shared_buffers advice is given (with enough reads to judge). */
        @WithDefault("0.95")
        double minCacheHitRatio();

        /** Share of checkpoints that are requested (not timed) above which max_wal_size advice is given. */
        @WithDefault("0.3")
        double maxRequestedCheckpointRatio();

        /** Share of max_connections used at peak above which connection advice is given. */
        @WithDefault("0.8")
        double maxConnectionRatio();
    }

    /** Settings of the security advisor. */
    interface Security {

        /** More login superusers than this is a finding. */
        @WithDefault("3")
        int maxSuperusers();
    }
}
