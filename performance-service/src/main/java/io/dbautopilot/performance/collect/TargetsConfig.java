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

        /** User to connect as; may reference an environment variable, e.g. {@code ${ORDERS_DB_USER}}. */
        Optional<String> username();

        /** Password of that user; reference an environment variable ({@code ${ORDERS_DB_PASSWORD}}), never commit it. */
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
