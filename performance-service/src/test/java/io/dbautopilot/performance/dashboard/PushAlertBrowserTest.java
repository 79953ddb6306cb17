package io.dbautopilot.performance.dashboard;

import io.dbautopilot.testing.HeadlessChromium;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.AccessProfiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a real headless Chromium against a service with API keys: the dashboard opens its WebSocket with the viewer key
 * (carried in {@code Sec-WebSocket-Protocol}), draws its charts from pushed samples, and shows an alert the moment
 * a real condition on the demo target opens it, pushed over that WebSocket (the page's periodic reads are 15 s apart;
 * the alert list is filled by pushed messages only), then its resolution.
 */
@QuarkusTest
@TestProfile(AccessProfiles.KeysConfigured.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PushAlertBrowserTest {

    private static final String TABLE = "detect_push_browser";
    private static final String OBJECT = "demo_target.public." + TABLE;

    @TestHTTPResource("/")
    URL root;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void anAlertPushedOverTheWebSocketAppearsAtOnce() throws Exception {
        Duration wait = Duration.ofSeconds(90);
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "window.dashboard.stream === 'unauthorized'").asBoolean());
            browser.evaluate("(() => { document.getElementById('api-key').value = 'viewer-secret-7';"
                    + " document.getElementById('key-form').requestSubmit(); return true; })()");
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "window.dashboard.stream === 'live' && (window.dashboard.pushed.database_performance || 0) >= 2"
                            + " && !!document.querySelector('.target[data-target=\"demo\"]')").asBoolean());

            postgres.execute("demo_target", "DROP TABLE IF EXISTS " + TABLE,
                    "CREATE TABLE " + TABLE + "(id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)",
                    "INSERT INTO " + TABLE + " SELECT g, repeat('x', 50) FROM generate_series(1, 2000) g",
                    "DELETE FROM " + TABLE + " WHERE id > 100");
            // (the test targets crowded, broken and hurried watch demo_target too: their alerts come as well)
            String item = "[...document.querySelectorAll('#alerts li')].find(li => li.dataset.target === 'demo'"
                    + " && li.textContent.includes('" + OBJECT + "') && li.dataset.state === '%s')";
            await().atMost(wait).pollInterval(Duration.ofMillis(200)).until(() -> browser.evaluate(
                    "!!" + item.formatted("opened")).asBoolean());
            String text = browser.evaluate(item.formatted("opened") + ".textContent").asText();
            assertTrue(text.contains("warning") && text.contains("dead_tuples"), text);
            String fingerprint = browser.evaluate(item.formatted("opened") + ".dataset.fingerprint").asText();
            assertTrue(browser.evaluate("window.dashboard.alerts.some(m => m.type === 'performance_alert'"
                    + " && m.target_id === 'demo' && m.data.fingerprint === '" + fingerprint + "' && m.data.state === 'opened')")
                    .asBoolean(), "arrived by push");
            // the open anomalies table took it in without waiting for its next read
            String row = "document.querySelector('#anomalies tr[data-fingerprint=\"" + fingerprint + "\"]')";
            assertTrue(browser.evaluate("!!" + row).asBoolean(),
                    browser.evaluate("document.getElementById('anomalies').textContent").asText());
            browser.screenshot(Path.of("target", "dashboard-push-alert.png"));

            postgres.execute("demo_target", "VACUUM " + TABLE);
            await().atMost(wait).pollInterval(Duration.ofMillis(200)).until(() -> browser.evaluate(
                    "!!" + item.formatted("resolved")).asBoolean());
            assertTrue(browser.evaluate("!" + row).asBoolean(), "resolved: no longer among the open anomalies");
        } finally {
            postgres.execute("demo_target", "DROP TABLE IF EXISTS " + TABLE);
        }
    }
}
