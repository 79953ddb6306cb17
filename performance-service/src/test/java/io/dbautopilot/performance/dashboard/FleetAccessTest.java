package io.dbautopilot.performance.dashboard;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.AccessProfiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/** With API keys configured, {@code GET /api/fleet} needs a viewer key (or an operator's) and refuses anyone else. */
@QuarkusTest
@TestProfile(AccessProfiles.KeysConfigured.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class FleetAccessTest {

    @Test
    void viewersMayReadTheFleet() {
        RestAssured.get("/api/fleet").then().statusCode(401);
        RestAssured.given().header("X-API-Key", "wrong-secret-9").get("/api/fleet").then().statusCode(401);
        RestAssured.given().header("X-API-Key", "viewer-secret-7").get("/api/fleet").then().statusCode(200);
        RestAssured.given().header("X-API-Key", "operator-secret-7").get("/api/fleet").then().statusCode(200);
    }
}
