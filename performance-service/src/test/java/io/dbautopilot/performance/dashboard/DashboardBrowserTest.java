package io.dbautopilot.performance.dashboard;

import io.dbautopilot.testing.HeadlessChromium;
import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end in a real headless Chromium: the dashboard at {@code /} shows the configured targets, its live charts
 * grow with every collection cycle (server-sent events, no reload), and the sections whose endpoints this build
 * lacks say "not available". Screenshot: {@code target/dashboard-e2e.png}.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class DashboardBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @io.dbautopilot.localstack.quarkus.InjectInfra
    io.dbautopilot.localstack.kafka.KafkaBroker kafka;

    @Test
    void pageShowsTargetsAndChartsUpdateWithoutReload() throws Exception {
        // a backup running on demo, 40 % done, as the automation service would publish it on autopilot.operations.v1
        java.util.UUID backup = java.util.UUID.randomUUID();
        try (var events = new io.dbautopilot.performance.operations.OperationEvents(kafka.bootstrapServers())) {
            events.publish(io.dbautopilot.performance.operations.OperationEvents.event(backup, "demo", "backup",
                    io.dbautopilot.model.OperationState.STARTED, null, java.util.Map.of("object", "full")));
            events.publish(io.dbautopilot.performance.operations.OperationEvents.event(backup, "demo", "backup",
                    io.dbautopilot.model.OperationState.PROGRESS, 0.4, java.util.Map.of("object", "full")));
        }
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            Duration wait = Duration.ofSeconds(90);
            // a card for the demo target, marked reachable, with every chart
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "(() => { const c = document.querySelector('.target[data-target=\"demo\"]');"
                            + " return !!c && c.querySelector('[data-role=reach]').textContent === 'reachable'"
                            + " && c.querySelectorAll('.chart canvas').length >= 5; })()").asBoolean());
            assertTrue(browser.evaluate("!!document.querySelector('.target[data-target=\"offline\"]')").asBoolean(),
                    "every configured target has a card");
            assertEquals("unreachable", browser.evaluate(
                    "document.querySelector('.target[data-target=\"offline\"] [data-role=reach]').textContent").asText());

            await().atMost(wait).until(() -> "live".equals(browser.evaluate("window.dashboard.stream").asText()));
            long loads = browser.evaluate("performance.getEntriesByType('navigation').length").asLong();
            // the TPS chart of demo gains two newer points from the stream, without the page being reloaded (the time
            // of its last point, not the count: a chart keeps at most 240 points, full after four minutes of a 1 s cycle)
            double first = lastAt(browser);
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> lastAt(browser) > first);
            double second = lastAt(browser);
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> lastAt(browser) > second);
            assertEquals(loads, browser.evaluate("performance.getEntriesByType('navigation').length").asLong(),
                    "no reload");
            assertTrue(browser.evaluate("window.dashboard.samples.demo.some(s => s.tps !== null && s.connections_used > 0)")
                    .asBoolean(), "real numbers from the demo target reached the page");

            // sections are rendered from the service's real answers (or say they are not available)
            await().atMost(wait).until(() -> browser.evaluate(
                    "!document.querySelector('#anomalies').textContent.includes('Loading')"
                            + " && !document.querySelector('#operations').textContent.includes('Loading')"
                            + " && !document.querySelector('.target[data-target=\"demo\"] [data-role=health]').textContent.includes('loading')")
                    .asBoolean());
            String health = browser.evaluate(
                    "document.querySelector('.target[data-target=\"demo\"] [data-role=health]').textContent").asText();
            int healthStatus = io.restassured.RestAssured.get("/api/targets/demo/health").statusCode();
            if (healthStatus == 404) {
                assertTrue(health.contains("health: not available"), "404 is shown as not available: " + health);
            } else {
                // the page re-reads health every 15 s (503 before the target's first cycle)
                await().atMost(wait).pollInterval(Duration.ofSeconds(1)).until(() -> browser.evaluate(
                        "document.querySelector('.target[data-target=\"demo\"] [data-role=grade]').textContent")
                        .asText().matches("[A-F]\\+?"));
                assertEquals(8, browser.evaluate("document.querySelectorAll("
                        + "'.target[data-target=\"demo\"] [data-category]').length").asInt(), "the eight categories");
            }
            int operationsStatus = io.restassured.RestAssured.get("/api/operations?limit=5").statusCode();
            if (operationsStatus == 404) {
                assertTrue(browser.evaluate("document.querySelector('#operations').textContent").asText()
                        .contains("operations timeline: not available"));
            } else {
                // the running backup with its progress bar (the page re-reads the timeline every 15 s)
                await().atMost(wait).pollInterval(Duration.ofSeconds(1)).until(() -> browser.evaluate(
                        "(() => { const r = document.querySelector('#operations tr.running[data-operation=\"" + backup + "\"]');"
                                + " return !!r && r.textContent.includes('backup') && !!r.querySelector('progress')"
                                + " && r.querySelector('progress').value === 0.4; })()").asBoolean());
            }

            Path shot = Path.of("target", "dashboard-e2e.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 10_000, "screenshot written to " + shot.toAbsolutePath());
            assertEquals(java.util.List.of(), browser.consoleErrors(), "no script errors in the page");
        }
    }

    @Test
    void fleetGridShowsEveryTargetWorstFirstAndOneClickOpensItsDetail() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            Duration wait = Duration.ofSeconds(90);
            // a tile per target with its grade, the unreachable one first (the grid is re-read every 15 s)
            await().atMost(wait).pollInterval(Duration.ofSeconds(1)).until(() -> browser.evaluate(
                    "[...document.querySelectorAll('.tile')].map(t => t.dataset.tile + ':' "
                            + "+ t.querySelector('[data-role=grade]').textContent).join(' ')").asText()
                    .matches("offline:F( \\w+:\\S+){5}") && browser.evaluate(
                    "document.querySelector('.tile[data-tile=\"demo\"] [data-role=grade]').textContent").asText()
                    .matches("[A-F]\\+?"));
            assertEquals("postgresql", browser.evaluate(
                    "document.querySelector('.tile[data-tile=\"demo\"] .badge').textContent").asText());
            assertEquals(6, browser.evaluate("[...document.querySelectorAll('#fleet-grades [data-grade] b')]"
                    + ".reduce((n, b) => n + Number(b.textContent), 0)").asInt(), "grade counts cover every target");
            // at most 6 targets (the test profile has 6): every target's detail below the grid
            await().atMost(wait).until(() -> browser.evaluate("document.querySelectorAll('.target').length").asInt() == 6);

            // one click on the demo tile: the detail of demo alone, with its live charts; no chart of another target
            browser.evaluate("(() => { document.querySelector('.tile[data-tile=\"demo\"]').click(); return true; })()");
            assertEquals("demo", browser.evaluate(
                    "[...document.querySelectorAll('.target')].map(c => c.dataset.target).join()").asText());
            assertTrue(browser.evaluate("document.querySelector('.tile[data-tile=\"demo\"]').classList.contains('tile-selected')"
                    + " && !document.getElementById('show-all').hidden").asBoolean());
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> points(browser) >= 2
                    && browser.evaluate("document.querySelectorAll('.target[data-target=\"demo\"] .chart canvas').length")
                    .asInt() >= 5);
            assertTrue(browser.evaluate("Object.keys(window.dashboard.charts).every(k => k.startsWith('demo/'))").asBoolean(),
                    "live charts only for the selected target");
            await().atMost(wait).pollInterval(Duration.ofSeconds(1)).until(() -> browser.evaluate(
                    "document.querySelector('.target[data-target=\"demo\"] [data-role=grade]').textContent")
                    .asText().matches("[A-F]\\+?"));

            // the search box narrows the grid; a malformed label filter is refused with the service's reason
            type(browser, "fleet-q", "plai");
            await().atMost(wait).until(() -> "plain".equals(browser.evaluate(
                    "[...document.querySelectorAll('.tile')].map(t => t.dataset.tile).join()").asText()));
            type(browser, "fleet-q", "");
            type(browser, "fleet-label", "env");
            await().atMost(wait).until(() -> browser.evaluate(
                    "document.getElementById('fleet').textContent").asText().contains("key=value"));
            type(browser, "fleet-label", "");
            await().atMost(wait).until(() -> browser.evaluate("document.querySelectorAll('.tile').length").asInt() == 6);

            // scale: 300 targets render as 300 tiles in one pass; only the selected target keeps a detail card
            browser.evaluate("(() => { const rows = []; for (let i = 0; i < 300; i++) rows.push({ id: 'db-' + i,"
                    + " engine: 'postgresql', labels: { env: i % 2 ? 'prod' : 'test' }, reachable: i % 50 !== 0,"
                    + " grade: 'B', score: 85, open_anomalies: i % 7, worst_severity: i % 7 ? 'warning' : null });"
                    + " rows.push({ id: 'demo', engine: 'postgresql', labels: {}, reachable: true, grade: 'A', score: 92,"
                    + " open_anomalies: 0 });"
                    + " window.dashboard.renderFleet({ total: 301, offset: 0, limit: 500, grades: { B: 300, A: 1 },"
                    + " engines: ['postgresql'], rows: rows }); return true; })()");
            assertEquals(301, browser.evaluate("document.querySelectorAll('.tile').length").asInt());
            assertEquals("demo", browser.evaluate(
                    "[...document.querySelectorAll('.target')].map(c => c.dataset.target).join()").asText());
            browser.evaluate("(() => { document.getElementById('show-all').click(); return true; })()");
            assertEquals(0, browser.evaluate("document.querySelectorAll('.target').length").asInt(),
                    "more than 6 targets and none selected: no detail, no live charts");
            assertEquals(0, browser.evaluate("Object.keys(window.dashboard.charts).length").asInt());
            browser.screenshot(Path.of("target", "dashboard-fleet.png"));
            assertEquals(java.util.List.of(), browser.consoleErrors(), "no script errors in the page");
        }
    }

    private static void type(HeadlessChromium browser, String field, String text) throws Exception {
        browser.evaluate("(() => { const e = document.getElementById('" + field + "'); e.value = '" + text + "';"
                + " e.dispatchEvent(new Event('input')); return true; })()");
    }

    @Test
    void endpointsThatAnswer404AreShownAsNotAvailableNeverAsNumbers() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            // as against a service without health scores and operations timeline (an older build)
            browser.answer404("*/api/targets/*/health", "*/api/operations*");
            browser.navigate(root.toString());
            Duration wait = Duration.ofSeconds(90);
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "(() => { const h = document.querySelector('.target[data-target=\"demo\"] [data-role=health]');"
                            + " return !!h && h.textContent.includes('answered 404'); })()").asBoolean());
            assertEquals("health: not available (GET api/targets/demo/health answered 404: this build has no health scores)",
                    browser.evaluate("document.querySelector('.target[data-target=\"demo\"] [data-role=health]').textContent").asText());
            assertEquals("?", browser.evaluate(
                    "document.querySelector('.target[data-target=\"demo\"] [data-role=grade]').textContent").asText(),
                    "no grade is invented");
            await().atMost(wait).until(() -> browser.evaluate("document.querySelector('#operations').textContent").asText()
                    .contains("operations timeline: not available (GET api/operations answered 404"));
            // the rest of the page still works: live charts from the stream
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> points(browser) >= 2);
            browser.screenshot(Path.of("target", "dashboard-degraded.png"));
        }
    }

    /** The time (epoch seconds) of the last point of demo's TPS chart, or 0 when it has none. */
    private static double lastAt(HeadlessChromium browser) throws Exception {
        JsonNode n = browser.evaluate("(() => { const e = document.querySelector("
                + "'.target[data-target=\"demo\"] [data-chart=\"tps\"]'); return e ? Number(e.dataset.lastAt || 0) : 0; })()");
        return n.asDouble();
    }

    private static int points(HeadlessChromium browser) throws Exception {
        JsonNode n = browser.evaluate("(() => { const e = document.querySelector("
                + "'.target[data-target=\"demo\"] [data-chart=\"tps\"]'); return e ? Number(e.dataset.points) : 0; })()");
        return n.asInt();
    }
}
