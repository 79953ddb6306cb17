package io.dbautopilot.performance.alerting;

import java.nio.file.Path;

/**
 * Where the test's alert receivers listen.
 *
 * @param alertmanager base URL of the real Alertmanager started for the test
 * @param webhookPort  loopback port the service's webhook points at (the test listens there itself)
 * @param webhookToken the token in the configured webhook URL's query string, which no log line may show
 * @param serviceLog   the service's log file (everything it logged since its start)
 */
public record AlertReceivers(String alertmanager, int webhookPort, String webhookToken, Path serviceLog) {
}
