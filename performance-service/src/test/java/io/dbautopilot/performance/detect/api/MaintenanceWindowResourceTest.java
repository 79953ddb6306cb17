package io.dbautopilot.performance.detect.api;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.detect.AnomalyDetector;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.detect.lifecycle.Transition;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Maintenance windows through the API and the detection path: an anomaly opening inside a window is recorded as
 * suppressed, not published; published as opened if still open once the window is over; never if it resolved
 * within it; other targets are not affected. Also escalation of anomalies left unacknowledged.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class MaintenanceWindowResourceTest {

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    AnomalyDetector detector;

    @Inject
    AnomalyStore store;

    private static List<MetricPoint> up(int up) {
        return List.of(MetricPoint.of("pg_up", up));
    }

    @Test
    void anAnomalyOpeningInAWindowIsHeldAndPublishedOnlyIfItOutlivesTheWindow() throws Exception {
        String target = "mw-" + System.nanoTime();
        String id = RestAssured.given().contentType(ContentType.JSON).body("""
                {"name": "sunday patching", "target_id": "%s", "cron": "0 2 * * SUN", "duration": "2h",
                 "comment": "OS patches", "created_by": "carol"}""".formatted(target))
                .post("/api/maintenance-windows").then().statusCode(201)
                .body("source", equalTo("api")).body("next_start", notNullValue()).extract().path("id");
        RestAssured.get("/api/maintenance-windows").then().statusCode(200).body("id", hasItem(id))
                .body("find { it.id == '%s' }.created_by".formatted(id), equalTo("carol"));

        Instant sunday = Instant.parse("2026-11-15T02:00:00Z"); // a Sunday
        String fp = AnomalyLifecycle.fingerprint("target_down", target, null);
        try (AnomalyEvents topic = new AnomalyEvents(kafka.bootstrapServers())) {
            assertEquals(List.of(), detector.detect(target, up(0), sunday.plusSeconds(30 * 60)), "inside the window: held");
            AnomalyRecord held = store.get(fp).orElseThrow();
            assertEquals(AnomalyStatus.OPEN, held.status());
            assertEquals("maintenance-window:" + id, held.silencedBy());
            assertEquals(List.of(), detector.detect(target, up(0), sunday.plusSeconds(90 * 60)));

            // Another target is not in the window.
            String other = target + "-other";
            List<AnomalyEvent> elsewhere = detector.detect(other, up(0), sunday.plusSeconds(30 * 60));
            assertEquals(1, elsewhere.size());

            List<AnomalyEvent> after = detector.detect(target, up(0), sunday.plusSeconds(121 * 60));
            assertEquals(1, after.size(), "outlived the window: published");
            assertEquals(AnomalyState.OPENED, after.get(0).state());
            assertEquals(fp, after.get(0).fingerprint());
            assertNull(store.get(fp).orElseThrow().silencedBy());
            topic.await(60, "the released opening on the topic", r -> r.event().fingerprint().equals(fp)
                    && r.event().state() == AnomalyState.OPENED);

            // Next Sunday: opens and resolves inside the window: nothing is ever published for it.
            Instant next = sunday.plusSeconds(7 * 86400);
            assertEquals(1, detector.detect(target, up(1), next.minusSeconds(3600)).size(), "resolved before");
            assertEquals(List.of(), detector.detect(target, up(0), next.plusSeconds(600)));
            assertEquals(List.of(), detector.detect(target, up(1), next.plusSeconds(1200)));
            assertEquals(List.of(), detector.detect(target, up(1), next.plusSeconds(3 * 3600)));
            assertEquals(AnomalyStatus.RESOLVED, store.get(fp).orElseThrow().status());
        }
        RestAssured.delete("/api/maintenance-windows/{id}", id).then().statusCode(204);
        RestAssured.get("/api/maintenance-windows/{id}", id).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void badWindowsAreProblemsNamingTheField() {
        RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"cron\": \"sundays\", \"duration\": \"2h\"}")
                .post("/api/maintenance-windows").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("cron"));
        RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"cron\": \"0 2 * * SUN\", \"duration\": \"0s\"}")
                .post("/api/maintenance-windows").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("duration"));
        RestAssured.given().contentType(ContentType.JSON).body("{\"cron\": \"0 2 * * SUN\", \"duration\": \"2h\"}")
                .post("/api/maintenance-windows").then().statusCode(400).body("detail", containsString("name"));
        RestAssured.delete("/api/maintenance-windows/{id}", "00000000-0000-0000-0000-000000000000").then()
                .statusCode(404).contentType("application/problem+json");
    }

    @Test
    void anOpenAnomalyNobodyAcknowledgesEscalatesAndAnAcknowledgedOneDoesNot() {
        String target = "esc-" + System.nanoTime();
        String acked = target + "-acked";
        Instant t0 = Instant.parse("2026-11-18T10:00:00Z");
        assertEquals(1, detector.detect(target, up(0), t0).size());
        assertEquals(1, detector.detect(acked, up(0), t0).size());
        String fp = AnomalyLifecycle.fingerprint("target_down", acked, null);
        RestAssured.given().contentType(ContentType.JSON).body("{\"by\": \"dave\"}")
                .post("/api/anomalies/{fp}/ack", fp).then().statusCode(200);

        assertEquals(List.of(), detector.detect(target, up(0), t0.plusSeconds(59 * 60)));
        List<AnomalyEvent> esc = detector.detect(target, up(0), t0.plusSeconds(61 * 60));
        assertEquals(1, esc.size(), esc.toString());
        assertEquals(AnomalyState.ESCALATED, esc.get(0).state());
        assertEquals(io.dbautopilot.model.Severity.EMERGENCY, esc.get(0).severity(), "critical → emergency");
        assertEquals(true, esc.get(0).summary().contains("unacknowledged for 1h1m"), esc.get(0).summary());
        assertEquals(List.of(), detector.detect(target, up(0), t0.plusSeconds(4 * 3600)), "emergency is the top");
        assertEquals(List.of(), detector.detect(acked, up(0), t0.plusSeconds(4 * 3600)), "acknowledged");
    }

    @Test
    void anAcknowledgementMadeWhileACycleRanIsKeptAndClearedOnlyWhenTheAnomalyReopens() {
        String target = "ack-race-" + System.nanoTime();
        Instant t0 = Instant.parse("2026-11-18T10:00:00Z");
        detector.detect(target, up(0), t0);
        String fp = AnomalyLifecycle.fingerprint("target_down", target, null);
        AnomalyRecord loadedByACycle = store.get(fp).orElseThrow();
        store.acknowledge(fp, "erin", t0.plusSeconds(1));
        // The cycle that loaded the record before the ack now writes its (unacknowledged) copy back.
        store.apply(target, List.of(new Transition(loadedByACycle, null, false)), t0.plusSeconds(2));
        assertEquals("erin", store.get(fp).orElseThrow().acknowledgedBy());
        detector.detect(target, up(1), t0.plusSeconds(3));
        assertEquals("erin", store.get(fp).orElseThrow().acknowledgedBy(), "kept through the resolve");
        detector.detect(target, up(0), t0.plusSeconds(4));
        assertNull(store.get(fp).orElseThrow().acknowledgedBy(), "re-opened: a new problem, not acknowledged");
    }
}
