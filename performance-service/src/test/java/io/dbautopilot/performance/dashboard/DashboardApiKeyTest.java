package io.dbautopilot.performance.dashboard;

import io.dbautopilot.testing.HeadlessChromium;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.dbautopilot.testing.AccessProfiles;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With API credentials configured, the dashboard in a real headless Chromium asks for a viewer key instead of
 * showing data, refuses a wrong one, and with the right one shows the targets and live charts.
 */
@QuarkusTest
@TestProfile(AccessProfiles.KeysConfigured.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class DashboardApiKeyTest {


    @TestHTTPResource("/")
    URL root;

    @Test
    void thePageAsksForAViewerKeyAndShowsLiveDataWithIt() throws Exception {
        Duration wait = Duration.ofSeconds(90);
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "!document.getElementById('key-form').hidden && window.dashboard.stream === 'unauthorized'").asBoolean());
            assertEquals("API key required", browser.evaluate("document.getElementById('stream-state').textContent").asText());
            assertTrue(browser.evaluate("document.getElementById('targets').textContent").asText()
                    .contains("answered 401"), "no data without a key");

            submitKey(browser, "not-the-key");
            await().atMost(wait).until(() -> browser.evaluate("document.getElementById('key-state').textContent")
                    .asText().contains("key not accepted"));

            submitKey(browser, "viewer-secret-7");
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "window.dashboard.stream === 'live' && !!document.querySelector('.target[data-target=\"demo\"]')").asBoolean());
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "(() => { const e = document.querySelector('.target[data-target=\"demo\"] [data-chart=\"tps\"]');"
                            + " return e ? Number(e.dataset.points) : 0; })()").asInt() >= 2);
            assertTrue(browser.evaluate("document.getElementById('key-form').hidden").asBoolean());
            browser.screenshot(Path.of("target", "dashboard-with-key.png"));
        }
    }

    private static void submitKey(HeadlessChromium browser, String key) throws Exception {
        browser.evaluate("(() => { document.getElementById('api-key').value = '" + key + "';"
                + " document.getElementById('key-form').requestSubmit(); return true; })()");
    }
}
