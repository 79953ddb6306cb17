package io.dbautopilot.performance.collect;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The PostgreSQL targets this service watches, keyed by target id ({@code autopilot.targets.<id>.*}). */
@ConfigMapping(prefix = "autopilot")
public interface TargetsConfig {

    /** Monitored targets by id; the id is the Kafka key and CloudEvents subject of everything about the target. */
    Map<String, Target> targets();

    /** One monitored PostgreSQL server. */
    interface Target {

        /** Connection URI, {@code postgresql://host:port/database} (a {@code jdbc:} prefix is accepted). */
        String url();

        /** User to connect as (env: {@code AUTOPILOT_TARGETS__<ID>__USERNAME} or a {@code ${ENV}} expression). */
        Optional<String> username();

        /** Password of that user; give it through an environment variable, never in a committed file. */
        Optional<String> password();

        /** How often a collection cycle runs. */
        @WithDefault("30s")
        Duration interval();

        /** Per-statement timeout on the target ({@code statement_timeout}). */
        @WithDefault("5s")
        Duration queryTimeout();

        /** Upper bound on connections this service opens to the target. */
        @WithDefault("3")
        int maxConnections();
    }
}
