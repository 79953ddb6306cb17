package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.testing.HeadlessChromium;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a real headless Chromium: the target detail follows a benchmark run live (performance_benchmark events of the
 * stream: the progress bar and the running step with its live tps and latency) and, once two runs ended, shows every step as bars against the compared run with the change.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class BenchmarkPanelBrowserTest {

    /** The running step's text: a measured step of the suite, pgbench's tps and latency of the last second. */
    private static final java.util.regex.Pattern STEP = java.util.regex.Pattern.compile(
            "(connect|select_1|tpcb_\\d+|select_only_\\d+|sustained_\\d+|insert_single_row|insert_multi_row) · "
                    + "[^·]+ tps · [^·]+ ms");

    @TestHTTPResource("/")
    URL root;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void theTargetDetailShowsProgressAndTheComparisonOfTheLastRun() throws Exception {
        Path password = Files.createTempFile("bench-ui-password", ".txt");
        Files.writeString(password, postgres.password());
        String body = """
                {"id": "bench-ui", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "labels": {"benchmark": "allowed"}, "collection": {"interval": "5s", "include_databases": ["demo_target"]}}
                """.formatted(postgres.uri("demo_target"), postgres.user(), password);
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/targets").then().statusCode(201);
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(root.toString());
            Duration wait = Duration.ofSeconds(90);
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "!!document.querySelector('.tile[data-tile=\"bench-ui\"]')").asBoolean());
            await().atMost(wait).until(() -> "live".equals(browser.evaluate("window.dashboard.stream").asText()));
            browser.evaluate("(() => { document.querySelector('.tile[data-tile=\"bench-ui\"]').click(); return true; })()");
            await().atMost(wait).until(() -> browser.evaluate(
                    "!!document.querySelector('.target[data-target=\"bench-ui\"]')").asBoolean());

            for (int run = 1; run <= 2; run++) {
                int seen = browser.evaluate("window.dashboard.benchmarks || 0").asInt();
                String id = RestAssured.given().contentType(ContentType.JSON).body("{\"step_duration\": \"1s\"}")
                        .post("/api/targets/bench-ui/benchmarks").then().statusCode(202).extract().path("id");
                await().atMost(wait).pollInterval(Duration.ofMillis(200)).until(() -> browser.evaluate(
                        "window.dashboard.benchmarks || 0").asInt() > seen);
                if (run == 1) {
                    // while it runs, the panel shows the progress bar and the running step with pgbench's live figures
                    String progress = "document.querySelector('.target[data-target=\"bench-ui\"] [data-role=bench-progress]')";
                    // text and bar are read in one evaluation: the panel moves on to the next step between two reads
                    AtomicReference<JsonNode> shown = new AtomicReference<>();
                    await().atMost(wait).pollInterval(Duration.ofMillis(100)).until(() -> {
                        JsonNode seenNow = browser.evaluate("(() => { const p = " + progress + "; if (!p) return null;"
                                + " return {step: p.querySelector('[data-role=bench-step]').textContent,"
                                + " value: p.querySelector('progress').value}; })()");
                        shown.set(seenNow);
                        return seenNow.isObject() && seenNow.get("step").asText().matches(".* tps · .* ms$");
                    });
                    String step = shown.get().get("step").asText();
                    assertTrue(STEP.matcher(step).matches(), "a suite step with its tps and latency: " + step);
                    double value = shown.get().get("value").asDouble();
                    assertTrue(value > 0 && value < 1, "the bar shows the share done: " + value);
                }
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> !"running".equals(
                        RestAssured.get("/api/targets/bench-ui/benchmarks/" + id).then().extract().path("status")));
            }
            String panel = "document.querySelector('.target[data-target=\"bench-ui\"] [data-role=benchmark]')";
            await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    panel + ".querySelectorAll('.bench-row .bench-base').length").asInt() == 14);
            assertEquals(14, browser.evaluate(panel + ".querySelectorAll('.bench-row').length").asInt());
            assertTrue(browser.evaluate(panel + ".textContent").asText().contains("succeeded"),
                    browser.evaluate(panel + ".textContent").asText());
            assertTrue(browser.evaluate(panel + ".textContent").asText().matches("(?s).*tpcb_16.*TPS [+-]\\d+\\.\\d %.*"),
                    browser.evaluate(panel + ".textContent").asText());
            String text = browser.evaluate(panel + ".textContent").asText();
            for (String shown : List.of("connect", "conn/s", "select_1", "ms p95", "select_only_64", "pool_scaling",
                    "clients (knee)", "sustained_vs_peak", "sustained/peak", "insert_multi_row", "rows/s")) {
                assertTrue(text.contains(shown), shown + " in " + text);
            }
        } finally {
            RestAssured.delete("/api/targets/bench-ui");
            Files.deleteIfExists(password);
        }
    }
}
