package io.dbautopilot.performance.operations;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.OperationState;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * What a (re)started instance knows: operation events published before the service started — a backup still running,
 * a vacuum that finished — are read back from the topic, so the running state is right from the start.
 */
@QuarkusTest
@WithTestResource(OperationsReplayTest.BrokerWithHistory.class)
@WithTestResource(PostgresTestResource.class)
class OperationsReplayTest {

    static final String TARGET = "replayed";
    static final UUID BACKUP = UUID.randomUUID();
    static final UUID VACUUM = UUID.randomUUID();

    /** The real broker, with operation events published on it before the application starts. */
    public static class BrokerWithHistory extends KafkaTestResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            try (OperationEvents events = new OperationEvents(config.get("kafka.bootstrap.servers"))) {
                events.publish(OperationEvents.event(VACUUM, TARGET, "vacuum", OperationState.STARTED, null,
                        Map.of("object", "demo_target.public.t")));
                events.publish(OperationEvents.event(BACKUP, TARGET, "backup", OperationState.STARTED, null, Map.of()));
                events.publish(OperationEvents.event(BACKUP, TARGET, "backup", OperationState.PROGRESS, 0.25, Map.of()));
                events.publish(OperationEvents.event(VACUUM, TARGET, "vacuum", OperationState.SUCCEEDED, 1.0,
                        Map.of("object", "demo_target.public.t")));
            } catch (Exception e) {
                throw new IllegalStateException("cannot publish the history", e);
            }
            return config;
        }
    }

    @Test
    void eventsPublishedBeforeTheStartAreReadBack() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                RestAssured.given().queryParam("target", TARGET).get("/api/operations").then().statusCode(200)
                        .body("events", hasSize(4))
                        .body("running.operation_id", contains(BACKUP.toString()))
                        .body("running[0].progress", equalTo(0.25f))
                        .body("events[0].state", equalTo("succeeded")));
    }
}
