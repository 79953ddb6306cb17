package io.dbautopilot.performance.dashboard;

import io.dbautopilot.testing.HeadlessChromium;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.ServerProcesses;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.AccessProfiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's backups and migrations panels when the automation service cannot be read (nothing listens at the
 * configured URL): {@code GET /api/automation/backups} and {@code /migrations} answer a viewer 200 with
 * {@code available: false} and the reason, refuse an anonymous caller with 401 problem+json, never show the
 * configured key, and the dashboard in a real headless Chromium shows the reason in both panels. The emergency-stop
 * banner on the same setup: the endpoint says {@code unknown} with the reason, and the dashboard shows the grey "state
 * unknown" banner, never "no stop". Rows from the real automation service: {@code LocalStackDemoTest}; the active
 * banner against the packaged automation service: {@code EmergencyStopRestartTest} (both deploy/checks).
 */
@QuarkusTest
@TestProfile(AutomationPanelsTest.Unreachable.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AutomationPanelsTest {

    private static final String AUTOMATION_KEY = "automation-viewer-secret-42";
    private static final List<String> PANELS = List.of("backups", "migrations");

    /** API keys configured; the automation URL points at a port nothing listens on. */
    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new AccessProfiles.KeysConfigured().getConfigOverrides());
            config.put("autopilot.dashboard.automation-url", "http://127.0.0.1:" + ServerProcesses.freePort());
            config.put("autopilot.dashboard.automation-key", AUTOMATION_KEY);
            config.put("autopilot.dashboard.automation-cache", "1s");
            return config;
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void aViewerGetsTheReasonAnAnonymousCallerA401() {
        for (String panel : PANELS) {
            String path = "/api/automation/" + panel;
            String request = panel.equals("backups") ? "GET /api/backups/overview" : "GET /api/migrations";
            given().header("X-API-Key", "viewer-secret-7").get(path).then().statusCode(200)
                    .contentType("application/json")
                    .body("available", equalTo(false))
                    .body("items", nullValue())
                    // (Netty's AnnotatedConnectException: a ConnectException naming the address)
                    .body("reason", startsWith("the automation service's " + request + " could not be read ("))
                    .body("reason", endsWith("ConnectException)"))
                    .body("checked_at", notNullValue())
                    .body(not(containsString(AUTOMATION_KEY)));
            given().get(path).then().statusCode(401)
                    .contentType("application/problem+json")
                    .body("status", equalTo(401))
                    .body("detail", notNullValue());
            given().header("X-API-Key", "not-a-key").get(path).then().statusCode(401)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void theDashboardShowsTheReasonInBothPanels() throws Exception {
        Duration wait = Duration.ofSeconds(90);
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "!document.getElementById('key-form').hidden").asBoolean());
            // before a key: this service's own 401, not a made-up panel
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "document.getElementById('backups').textContent").asText().contains("answered 401"));
            browser.evaluate("(() => { document.getElementById('api-key').value = 'viewer-secret-7';"
                    + " document.getElementById('key-form').requestSubmit(); return true; })()");
            for (String panel : PANELS) {
                String reason = "document.querySelector('#" + panel + " [data-role=\"reason\"]').textContent";
                await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                        "!!document.querySelector('#" + panel + " [data-role=\"reason\"]') && " + reason
                                + ".includes('could not be read')").asBoolean());
                String text = browser.evaluate(reason).asText();
                assertTrue(text.startsWith(panel + ": not available (the automation service's GET /api/"), text);
                assertTrue(text.contains("could not be read (") && text.endsWith("ConnectException))"), text);
                assertTrue(browser.evaluate("!document.querySelector('#" + panel + " table')").asBoolean(),
                        "no rows made up for " + panel);
            }
            assertTrue(browser.evaluate("window.dashboard.backups.available === false"
                    + " && window.dashboard.migrations.available === false").asBoolean());
            browser.screenshot(Path.of("target", "dashboard-automation-panels-unreachable.png"));
            assertEquals(List.of(), browser.consoleErrors(), "no script errors in the page");
        }
    }

    @Test
    void anUnreadableAutomationServiceIsShownAsUnknownNotAsNoStop() throws Exception {
        given().header("X-API-Key", "viewer-secret-7").get("/api/automation/emergency-stop").then().statusCode(200)
                .body("state", equalTo("unknown"))
                .body("detail", containsString("could not be read"))
                .body("global", equalTo(false));
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "!document.getElementById('key-form').hidden").asBoolean());
            browser.evaluate("(() => { document.getElementById('api-key').value = 'viewer-secret-7';"
                    + " document.getElementById('key-form').requestSubmit(); return true; })()");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    "unknown".equals(browser.evaluate("window.dashboard.emergencyStop").asText()));
            assertEquals("unknown", browser.evaluate("document.getElementById('emergency-stop').dataset.state").asText());
            assertTrue(browser.evaluate("!document.getElementById('emergency-stop').hidden").asBoolean());
            assertTrue(browser.evaluate("document.getElementById('emergency-stop').textContent").asText()
                    .startsWith("Emergency stop: state unknown"));
            assertEquals(List.of(), browser.consoleErrors(), "no script errors in the page");
        }
    }
}
