package io.dbautopilot.performance.operations;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.OperationState;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real CloudEvents records on the real broker reach the timeline, the API and CDI observers; bad ones are skipped. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OperationsConsumerTest {

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    OperationTimeline timeline;

    @Inject
    ObservedOperations observed;

    @Inject
    MeterRegistry meters;

    @Test
    void lifecycleEventsShowOnTheApiAndRunningStateFollowsThem() throws Exception {
        String target = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        UUID vacuum = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            events.publish(OperationEvents.event(vacuum, target, "vacuum", OperationState.REQUESTED, null,
                    Map.of("object", "demo_target.public.orders", "mode", "auto")));
            String started = events.publish(OperationEvents.event(vacuum, target, "vacuum", OperationState.STARTED, null,
                    Map.of("object", "demo_target.public.orders")));
            events.publish(OperationEvents.event(vacuum, target, "vacuum", OperationState.PROGRESS, 0.4,
                    Map.of("object", "demo_target.public.orders", "heap_blks_scanned", 400)));
            events.publish(OperationEvents.event(backup, target, "backup", OperationState.STARTED, null,
                    Map.of("kind", "full")));

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> timeline.recent(target, 10).size() == 4);
            RestAssured.given().queryParam("target", target).get("/api/operations").then().statusCode(200)
                    .body("target", equalTo(target))
                    .body("events", hasSize(4))
                    .body("events[0].type", equalTo("backup"))
                    .body("events[1].state", equalTo("progress"))
                    .body("events[1].progress", equalTo(0.4f))
                    .body("events[1].object", equalTo("demo_target.public.orders"))
                    .body("events[1].details.heap_blks_scanned", equalTo(400))
                    .body("events[1].operation_id", equalTo(vacuum.toString()))
                    .body("events[3].state", equalTo("requested"))
                    .body("running.operation_id", contains(backup.toString(), vacuum.toString()))
                    .body("pending", empty());
            RestAssured.given().queryParam("target", target).queryParam("limit", 2).get("/api/operations").then()
                    .statusCode(200).body("events", hasSize(2));

            // A redelivered event (same CloudEvents id) is neither shown twice nor observed twice.
            events.send(started, EventTypes.OPERATION_STARTED, target, """
                    {"operation_id":"%s","target_id":"%s","type":"vacuum","state":"started",
                     "occurred_at":"2026-01-01T00:00:00Z","details":{}}""".formatted(vacuum, target));
            // Malformed records: no CloudEvents id, wrong type, schema violation, not JSON. All skipped.
            events.send(null, EventTypes.OPERATION_STARTED, target, "{}");
            events.send(UUID.randomUUID().toString(), EventTypes.ANOMALY_OPENED, target, "{}");
            events.send(UUID.randomUUID().toString(), EventTypes.OPERATION_STARTED, target,
                    "{\"operation_id\":\"x\",\"target_id\":\"" + target + "\"}");
            events.send(UUID.randomUUID().toString(), EventTypes.OPERATION_STARTED, target, "not json");

            events.publish(OperationEvents.event(vacuum, target, "vacuum", OperationState.SUCCEEDED, 1.0,
                    Map.of("object", "demo_target.public.orders", "dead_tuples_after", 0)));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> timeline.recent(target, 10).size() == 5);
        }
        assertTrue(meters.counter("autopilot_events_consumed", "topic", "autopilot.operations.v1", "outcome", "malformed")
                .count() >= 4, "malformed records are counted");
        assertTrue(meters.counter("autopilot_events_consumed", "topic", "autopilot.operations.v1", "outcome", "duplicate")
                .count() >= 1, "the redelivery is counted as a duplicate");
        RestAssured.given().queryParam("target", target).get("/api/operations").then().statusCode(200)
                .body("events", hasSize(5))
                .body("events[0].state", equalTo("succeeded"))
                .body("events[0].finished_at", org.hamcrest.Matchers.notNullValue())
                .body("running.operation_id", contains(backup.toString()));
        assertTrue(timeline.isRunning(target, e -> OperationEntry.isBackup(e.type())));
        assertFalse(timeline.isRunning(target, e -> e.type().equals("vacuum")));

        var mine = observed.seen().stream().filter(s -> s.operation().event().targetId().equals(target)).toList();
        assertEquals(5, mine.size(), "one CDI event per new operation event: " + mine);
        assertTrue(mine.stream().noneMatch(s -> s.thread().contains("vert.x-eventloop")),
                "observers are called off the event loop: " + mine);
        assertEquals(1, mine.stream().filter(s -> s.operation().backup()).count());
        assertTrue(mine.stream().filter(s -> s.operation().event().state() == OperationState.PROGRESS)
                .allMatch(s -> s.operation().running()));

        // All targets, merged newest first.
        RestAssured.get("/api/operations").then().statusCode(200)
                .body("events.target", org.hamcrest.Matchers.hasItem(target));
    }

    @Test
    void badLimitIsAProblem() {
        RestAssured.given().queryParam("limit", 0).get("/api/operations").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("limit"));
    }
}
