package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.testing.HeadlessChromium;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's benchmark panel of one target in a real headless Chromium: it follows a run live
 * (performance_benchmark events of the stream: the progress bar and the running step with its live tps and latency)
 * and, once a compared run ended, shows every step as bars against the compared run with the change. Driven by
 * {@code BenchmarkTest} on its own runs, so the suite's runs are not repeated for the dashboard.
 */
public final class BenchmarkPanel {

    /** The running step's text: a measured step of the suite, pgbench's tps and latency of the last second. */
    private static final java.util.regex.Pattern STEP = java.util.regex.Pattern.compile(
            "(connect|select_1|tpcb_\\d+|select_only_\\d+|sustained_\\d+|insert_single_row|insert_multi_row) · "
                    + "[^·]+ tps · [^·]+ ms");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final HeadlessChromium browser;
    private final String target;

    private BenchmarkPanel(HeadlessChromium browser, String target) {
        this.browser = browser;
        this.target = target;
    }

    /** Opens the dashboard at {@code root} and the detail of {@code target} once the live stream is up. */
    public static BenchmarkPanel open(HeadlessChromium browser, URL root, String target) throws Exception {
        browser.navigate(root.toString());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                "!!document.querySelector('.tile[data-tile=\"" + target + "\"]')").asBoolean());
        await().atMost(WAIT).until(() -> "live".equals(browser.evaluate("window.dashboard.stream").asText()));
        browser.evaluate("(() => { document.querySelector('.tile[data-tile=\"" + target + "\"]').click(); return true; })()");
        await().atMost(WAIT).until(() -> browser.evaluate(
                "!!document.querySelector('.target[data-target=\"" + target + "\"]')").asBoolean());
        return new BenchmarkPanel(browser, target);
    }

    /** Benchmark events the page has received so far. */
    public int eventsSeen() throws Exception {
        return browser.evaluate("window.dashboard.benchmarks || 0").asInt();
    }

    /**
     * After a run was started (with {@code seen} events before it): the page receives its events, and while it runs
     * the panel shows the progress bar and the running step with pgbench's live figures.
     */
    public void assertFollowsTheRunLive(int seen) throws Exception {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> browser.evaluate(
                "window.dashboard.benchmarks || 0").asInt() > seen);
        String progress = "document.querySelector('.target[data-target=\"" + target + "\"] [data-role=bench-progress]')";
        // text and bar are read in one evaluation: the panel moves on to the next step between two reads
        AtomicReference<JsonNode> shown = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
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

    /** After a compared run ended: all 14 steps as bars against the compared run, with the change. */
    public void assertShowsTheComparison() throws Exception {
        String panel = "document.querySelector('.target[data-target=\"" + target + "\"] [data-role=benchmark]')";
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
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
    }
}
