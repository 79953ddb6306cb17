package io.dbautopilot.automation.health;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

/**
 * database-automation-service's {@code /health} summary against the real broker and state database with its peer
 * (performance-service) down: nothing listens at {@code autopilot.peer.performance-url}, so the summary is degraded
 * and still answers 200, with the peer unreachable; its background tasks are listed with their last runs.
 */
@QuarkusTest
@TestProfile(ServiceHealthTest.PeerDown.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ServiceHealthTest {

    /** The peer URL names a port nothing listens on. */
    public static class PeerDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("autopilot.peer.performance-url", "http://127.0.0.1:" + port);
        }
    }

    @Test
    void aDownPeerDegradesTheSummaryWithoutFailingIt() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().get("/health").then().statusCode(200)
                        .body("tasks.find { it.name == 'operations outbox relay' }.last_run", notNullValue())
                        .body("tasks.find { it.name == 'operation queue' }.last_run", notNullValue()));
        // a refresh in which no task is late (on a starved machine the 200-ms relay can be, for a moment)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().get("/health").then().statusCode(200).body("tasks.overdue", everyItem(equalTo(false))));
        given().get("/health").then().statusCode(200)
                .body("status", equalTo("degraded"))
                .body("service", equalTo("database-automation-service"))
                .body("peer.service", equalTo("performance-service"))
                .body("peer.status", equalTo("unreachable"))
                .body("peer.detail", containsString("could not be read"))
                // degraded with no task overdue in the refresh above: by the unreachable peer
                .body("tasks.name", hasItems("operations outbox relay", "operation queue", "operation heartbeat",
                        "operation verification", "partition upkeep", "backup triggers", "migration checks"))
                .body("checks.name", hasItems("emergency-stop"))
                .body("targets", equalTo(null))
                .body("open_anomalies", equalTo(null));
        // the probes keep their meaning: a down peer is no reason to restart or unroute the service
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
