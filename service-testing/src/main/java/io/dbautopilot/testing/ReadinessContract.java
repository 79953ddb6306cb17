package io.dbautopilot.testing;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Health endpoints of a service against the real broker and state database, including stopping and restarting
 * them; each service runs it as a {@code @QuarkusTest} with its Kafka and PostgreSQL test resources.
 */
public abstract class ReadinessContract {

    /** The service's quarkus.application.name. */
    protected abstract String service();

    @InjectInfra
    public KafkaBroker kafka;

    @InjectInfra
    public PostgresServer postgres;

    @Test
    public void healthSummaryReportsServiceVersionUptimeAndChecks() {
        awaitReady(200);
        awaitHealth(200); // /health serves the summary computed in the background: the first one after start
        given().when().get("/health").then()
                .statusCode(200)
                .body("status", anyOf(equalTo("healthy"), equalTo("degraded")))
                .body("service", equalTo(service()))
                .body("version", notNullValue())
                .body("uptime_seconds", greaterThanOrEqualTo(0))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.status", hasItem("UP"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("jvm_memory_used_bytes"));
        given().when().get("/q/openapi").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/health"));
    }

    @Test
    public void readinessGoesDownWhenTheBrokerStopsAndUpWhenItReturns() {
        awaitReady(200);
        kafka.stop();
        try {
            awaitReady(503);
            // the summary is computed in the background: the outage shows from the next refresh on
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    given().when().get("/health").then().statusCode(503).body("status", equalTo("unhealthy")));
            given().when().get("/q/health/live").then().statusCode(200);
        } finally {
            kafka.start();
        }
        awaitReady(200);
    }

    @Test
    public void readinessGoesDownWhenTheStateDatabaseStopsAndUpWhenItReturns() {
        awaitReady(200);
        postgres.stop();
        try {
            awaitReady(503);
        } finally {
            postgres.start();
        }
        awaitReady(200);
    }

    private static void awaitHealth(int status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().when().get("/health").then().statusCode(status));
    }

    private static void awaitReady(int status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(status));
    }
}
