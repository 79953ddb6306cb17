package io.dbautopilot.performance.detect;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of threshold-rule anomaly detection ({@code autopilot.detection.*}). */
@ConfigMapping(prefix = "autopilot.detection")
public interface DetectionConfig {

    /** Whether rules are evaluated after every collection cycle (env: {@code AUTOPILOT_DETECTION_ENABLED}). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Rules file: a filesystem path (watched and reloaded on change) or {@code classpath:...}; unset means the
     * shipped {@code classpath:rules/default-rules.yaml} (env: {@code AUTOPILOT_DETECTION_RULES_FILE}).
     */
    Optional<String> rulesFile();

    /**
     * Rules file of MySQL and MariaDB targets: a filesystem path (watched and reloaded on change) or
     * {@code classpath:...} (env: {@code AUTOPILOT_DETECTION_MYSQL_RULES_FILE}).
     */
    @WithDefault("classpath:rules/mysql-rules.yaml")
    String mysqlRulesFile();

    /**
     * Rules file of Redis targets: a filesystem path (watched and reloaded on change) or {@code classpath:...}
     * (env: {@code AUTOPILOT_DETECTION_REDIS_RULES_FILE}).
     */
    @WithDefault("classpath:rules/redis-rules.yaml")
    String redisRulesFile();

    /**
     * Rules file of SQLite targets: a filesystem path (watched and reloaded on change) or {@code classpath:...}
     * (env: {@code AUTOPILOT_DETECTION_SQLITE_RULES_FILE}).
     */
    @WithDefault("classpath:rules/sqlite-rules.yaml")
    String sqliteRulesFile();

    /** How often the rules file's modification time is checked (env: {@code AUTOPILOT_DETECTION_RELOAD_INTERVAL}). */
    @WithDefault("10s")
    Duration reloadInterval();

    /** How often unsent anomaly events are relayed from the outbox to Kafka (env: {@code AUTOPILOT_DETECTION_RELAY_INTERVAL}). */
    @WithDefault("1s")
    Duration relayInterval();

    /** At most this many outbox rows are published per relay run (env: {@code AUTOPILOT_DETECTION_RELAY_BATCH}). */
    @WithDefault("200")
    int relayBatch();

    /** How long the relay waits for the broker's acknowledgement of one event (env: {@code AUTOPILOT_DETECTION_PUBLISH_TIMEOUT}). */
    @WithDefault("30s")
    Duration publishTimeout();

    /**
     * Escalate an open, published anomaly one severity level each time it stays unacknowledged this long (unset:
     * never) (env: {@code AUTOPILOT_DETECTION_ESCALATE_UNACKNOWLEDGED_AFTER}).
     */
    Optional<Duration> escalateUnacknowledgedAfter();

    /** Recurring maintenance windows from configuration, by name ({@code autopilot.detection.maintenance-windows.<name>.*}). */
    Map<String, Window> maintenanceWindows();

    /** A configured maintenance window. */
    interface Window {

        /** Start times: a 5-field Unix cron expression, e.g. {@code 0 2 * * SUN}. */
        String cron();

        /** How long each occurrence lasts, e.g. {@code 2h}. */
        String duration();

        /** Target it applies to; unset = every target. */
        Optional<String> target();

        /** Rule/detector it applies to, exact or {@code ~regex}; unset = every rule. */
        Optional<String> rule();

        /** Time zone of the cron expression. */
        @WithDefault("UTC")
        String timeZone();

        /** Why. */
        Optional<String> comment();
    }
}
