package io.dbautopilot.automation.operation;

import io.dbautopilot.support.retry.Backoff;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How the operation engine claims, leases, retries and budgets operations ({@code autopilot.operations.*}). */
@ConfigMapping(prefix = "autopilot.operations")
public interface OperationsConfig {

    /** Whether this instance claims and executes operations (env: {@code AUTOPILOT_OPERATIONS_ENABLED}). */
    @WithDefault("true")
    boolean enabled();

    /** Name of this instance in leases (env: {@code AUTOPILOT_OPERATIONS_INSTANCE_ID}); default host name + random suffix. */
    Optional<String> instanceId();

    /** How often the engine looks for expired leases and claimable operations (env: {@code AUTOPILOT_OPERATIONS_POLL_INTERVAL}). */
    @WithDefault("2s")
    String pollInterval();

    /** Lease length: an operation whose executor stopped heartbeating this long is marked interrupted. */
    @WithDefault("30s")
    Duration lease();

    /** How often running operations' leases are renewed (keep well below {@code lease}). */
    @WithDefault("5s")
    String heartbeatInterval();

    /** Interruptions (executor died) tolerated before an operation fails instead of being retried. */
    @WithDefault("3")
    int maxAttempts();

    /** Operations executed in parallel by this instance (over all databases). */
    @WithDefault("2")
    int maxParallel();

    /** Statement retries after {@code lock_timeout} before the operation is deferred. */
    @WithDefault("3")
    int lockRetries();

    /** First back-off after a {@code lock_timeout}; doubles with each retry. */
    @WithDefault("1s")
    Duration lockRetryBackoff();

    /** The back-off of {@code lock_timeout} retries: {@link #lockRetries()} retries doubling from {@link #lockRetryBackoff()}. */
    default Backoff lockBackoff() {
        return Backoff.doubling(lockRetryBackoff(), lockRetries());
    }

    /** How long an operation is deferred after lock retries ran out or a precondition failed. */
    @WithDefault("5m")
    Duration deferDelay();

    /** Re-check interval of window-mode operations on a database without maintenance windows. */
    @WithDefault("1h")
    Duration noWindowRecheck();

    /** Time budget of one execution attempt: caps every statement's {@code statement_timeout}. */
    @WithDefault("1h")
    Duration timeBudget();

    /**
     * How often a running VACUUM, ANALYZE, REINDEX or CREATE INDEX is polled in PostgreSQL's progress views; a
     * {@code progress} event is published when its phase or percentage changed ({@code 0s}: off).
     */
    @WithDefault("5s")
    Duration progressInterval();

    /** How often the outbox relay publishes unsent events (env: {@code AUTOPILOT_OPERATIONS_RELAY_INTERVAL}). */
    @WithDefault("1s")
    String relayInterval();
}
