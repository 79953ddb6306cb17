package io.dbautopilot.performance.dashboard;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * Without {@code autopilot.dashboard.automation-url} (the test profile sets none) both automation panels answer 200
 * with {@code available: false} and a reason that names the setting and its environment variable.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AutomationPanelsNotConfiguredTest {

    @Test
    void bothPanelsNameTheSettingToSet() {
        for (String panel : new String[] {"backups", "migrations"}) {
            given().get("/api/automation/" + panel).then().statusCode(200)
                    .body("available", equalTo(false))
                    .body("items", nullValue())
                    .body("reason", containsString("not configured: set autopilot.dashboard.automation-url"))
                    .body("reason", containsString("AUTOPILOT_DASHBOARD_AUTOMATION_URL"));
        }
    }
}
