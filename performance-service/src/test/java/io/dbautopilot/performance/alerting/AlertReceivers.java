package io.dbautopilot.performance.alerting;

/**
 * Where the test's alert receivers listen.
 *
 * @param alertmanager base URL of the real Alertmanager started for the test
 * @param webhookPort  loopback port the service's webhook points at (the test listens there itself)
 */
public record AlertReceivers(String alertmanager, int webhookPort) {
}
