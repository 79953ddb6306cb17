package io.dbautopilot.performance.dashboard;

import io.dbautopilot.testing.HeadlessChromium;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emergency-stop banner when the automation service cannot be read (nothing listens at the configured URL): the
 * endpoint says {@code unknown} with the reason, and the dashboard in a real headless Chromium shows the grey "state
 * unknown" banner, never "no stop". The active banner is shown against the packaged automation service by
 * {@code EmergencyStopRestartTest} in deploy/checks.
 */
@QuarkusTest
@TestProfile(AutomationStopBannerTest.Unreachable.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AutomationStopBannerTest {

    /** The automation URL points at a port nothing listens on. */
    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("autopilot.dashboard.automation-url", "http://127.0.0.1:" + port,
                    "autopilot.dashboard.automation-cache", "1s");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void anUnreadableAutomationServiceIsShownAsUnknownNotAsNoStop() throws Exception {
        given().get("/api/automation/emergency-stop").then().statusCode(200)
                .body("state", equalTo("unknown"))
                .body("detail", containsString("could not be read"))
                .body("global", equalTo(false));
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    "unknown".equals(browser.evaluate("window.dashboard.emergencyStop").asText()));
            assertEquals("unknown", browser.evaluate("document.getElementById('emergency-stop').dataset.state").asText());
            assertTrue(browser.evaluate("!document.getElementById('emergency-stop').hidden").asBoolean());
            assertTrue(browser.evaluate("document.getElementById('emergency-stop').textContent").asText()
                    .startsWith("Emergency stop: state unknown"));
            assertEquals(java.util.List.of(), browser.consoleErrors(), "no script errors in the page");
        }
    }
}
