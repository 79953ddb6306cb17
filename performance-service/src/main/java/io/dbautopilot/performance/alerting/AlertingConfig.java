package io.dbautopilot.performance.alerting;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Optional alert outputs ({@code autopilot.alerting.*}): a Prometheus Alertmanager and a generic webhook, each fed
 * by its own scheduled worker (never by the detection cycle), retried with exponential backoff.
 */
@ConfigMapping(prefix = "autopilot.alerting")
public interface AlertingConfig {

    /**
     * Alertmanager base URL, e.g. {@code http://alertmanager:9093}; alerts go to {@code <url>/api/v2/alerts}; unset =
     * no push (env: {@code AUTOPILOT_ALERTING_ALERTMANAGER_URL}).
     */
    Optional<String> alertmanagerUrl();

    /**
     * How often open anomalies are (re-)sent to Alertmanager; each alert is valid for four of these, so alerts
     * expire if the service stops (env: {@code AUTOPILOT_ALERTING_ALERTMANAGER_INTERVAL}).
     */
    @WithDefault("30s")
    Duration alertmanagerInterval();

    /**
     * Generic webhook URL: every published anomaly event is POSTed to it in order as a binary-mode CloudEvent
     * (JSON body, {@code ce-*} headers); {@code user:password@} is refused at start, a token in the query string is
     * sent but never logged; unset = no webhook (env: {@code AUTOPILOT_ALERTING_WEBHOOK_URL}).
     */
    Optional<String> webhookUrl();

    /** How often the webhook worker looks for new events (env: {@code AUTOPILOT_ALERTING_WEBHOOK_INTERVAL}). */
    @WithDefault("2s")
    Duration webhookInterval();

    /** At most this many events per webhook run (env: {@code AUTOPILOT_ALERTING_WEBHOOK_BATCH}). */
    @WithDefault("100")
    int webhookBatch();

    /** Timeout of one HTTP call (env: {@code AUTOPILOT_ALERTING_TIMEOUT}). */
    @WithDefault("10s")
    Duration timeout();

    /** First retry delay after a failure; doubles per failure (env: {@code AUTOPILOT_ALERTING_INITIAL_BACKOFF}). */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Longest retry delay (env: {@code AUTOPILOT_ALERTING_MAX_BACKOFF}). */
    @WithDefault("5m")
    Duration maxBackoff();

    /**
     * This service's external base URL, used for the alerts' {@code generatorURL} (links to
     * {@code /api/anomalies/<fingerprint>}); unset = no link (env: {@code AUTOPILOT_ALERTING_EXTERNAL_URL}).
     */
    Optional<String> externalUrl();
}
