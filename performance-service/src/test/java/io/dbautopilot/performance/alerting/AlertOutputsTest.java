package io.dbautopilot.performance.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.detect.AnomalyDetector;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alert outputs against real receivers: anomalies reach a real {@code prometheus-alertmanager} (read back through
 * its API) and leave it when resolved; the webhook gets every event in order as a CloudEvent, retried while the
 * receiver fails or is not listening yet; the webhook URL's query token reaches the receiver but no log line.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(AlertmanagerTestResource.class)
class AlertOutputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectInfra
    AlertReceivers receivers;

    @Inject
    AnomalyDetector detector;

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode alerts(String target) throws Exception {
        String filter = URLEncoder.encode("target=\"" + target + "\"", StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(receivers.alertmanager()
                + "/api/v2/alerts?filter=" + filter)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void anOpenAnomalyIsAnAlertInAlertmanagerUntilItResolves() throws Exception {
        String target = "am-" + System.nanoTime();
        List<AnomalyEvent> opened = detector.detect(target, List.of(MetricPoint.of("pg_up", 0)), Instant.now());
        assertEquals(1, opened.size());
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> alerts(target).size() == 1);
        JsonNode alert = alerts(target).get(0);
        assertEquals("target_down", alert.at("/labels/alertname").asText());
        assertEquals("critical", alert.at("/labels/severity").asText());
        assertEquals(opened.get(0).fingerprint(), alert.at("/labels/fingerprint").asText());
        assertEquals("active", alert.at("/status/state").asText());
        assertEquals("investigate", alert.at("/annotations/suggested_action").asText());
        assertTrue(alert.at("/annotations/summary").asText().contains("target down on " + target), alert.toString());
        assertEquals("http://autopilot.example:8085/api/anomalies/" + opened.get(0).fingerprint(),
                alert.at("/generatorURL").asText());

        assertEquals(1, detector.detect(target, List.of(MetricPoint.of("pg_up", 1)), Instant.now()).size());
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> alerts(target).isEmpty());
    }

    @Test
    void theWebhookGetsEveryEventInOrderAndIsRetriedWhileTheReceiverFails() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        List<String> tokens = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", receivers.webhookPort()), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 204;
            tokens.add(exchange.getRequestURI().getQuery().replace("token=", ""));
            if (status == 204) {
                received.add(JSON.readTree(body));
                headers.add(Map.of("ce-id", exchange.getRequestHeaders().getFirst("ce-id"),
                        "ce-type", exchange.getRequestHeaders().getFirst("ce-type"),
                        "ce-subject", exchange.getRequestHeaders().getFirst("ce-subject")));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            String target = "hook-" + System.nanoTime();
            Instant t = Instant.now();
            detector.detect(target, List.of(MetricPoint.of("pg_up", 0)), t);
            detector.detect(target, List.of(MetricPoint.of("pg_up", 1)), t.plusSeconds(1));
            detector.detect(target, List.of(MetricPoint.of("pg_up", 0)), t.plusSeconds(2));
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> received.stream().filter(j -> j.path("target_id").asText().equals(target)).count() == 3);
            List<JsonNode> mine = received.stream().filter(j -> j.path("target_id").asText().equals(target)).toList();
            assertEquals(List.of("opened", "resolved", "opened"), mine.stream().map(j -> j.path("state").asText()).toList());
            List<Long> seq = mine.stream().map(j -> j.path("sequence").asLong()).toList();
            assertEquals(List.of(1L, 2L, 3L), seq, "in order, each once");
            Map<String, String> h = headers.stream().filter(x -> x.get("ce-subject").equals(target)).findFirst().orElseThrow();
            assertEquals("io.dbautopilot.anomaly.opened.v1", h.get("ce-type"));
            assertTrue(failuresLeft.get() < 0, "the receiver failed first and the deliveries were retried");
            assertTrue(tokens.stream().allMatch(receivers.webhookToken()::equals), "the token reached the receiver");

            // the start line and the failed deliveries name the webhook as scheme://host:port/path, never its query
            String shown = "http://127.0.0.1:" + receivers.webhookPort() + "/hook";
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                    Files.readString(receivers.serviceLog()).contains("Webhook delivery to " + shown + " failed"));
            String log = Files.readString(receivers.serviceLog());
            assertTrue(log.contains("Anomaly events are delivered to the webhook " + shown), "the start line names it");
            assertFalse(log.contains(receivers.webhookToken()), "the webhook's query token is in the log");
            assertFalse(log.contains("/hook?"), "the webhook's query string is in the log");
        } finally {
            server.stop(0);
        }
    }
}
