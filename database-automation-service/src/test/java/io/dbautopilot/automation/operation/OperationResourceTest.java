package io.dbautopilot.automation.operation;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The operations API: credentials, validation of every input against the catalog, problem documents. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OperationResourceTest {

    @InjectInfra
    PostgresServer postgres;

    @Test
    void anInjectionAttemptAsObjectNameIs400AndNothingIsExecuted() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.x (id int)");
        long before = operations();
        String evil = "\"; DROP TABLE x; --";
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":" + quote(evil) + "}")
                .when().post("/api/operations").then()
                .statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("field 'object'"))
                .body("detail", containsString("is not a table in database 'demo'"));
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"reindex\",\"object\":\"public.x; DROP TABLE x\"}")
                .when().post("/api/operations").then().statusCode(400).contentType("application/problem+json");
        assertEquals(before, operations(), "no operation was created");
        try (Connection c = postgres.connect(OperationsTestSupport.TARGET_DB);
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass('public.x') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(true, rs.getBoolean(1), "table x still exists");
        }
    }

    @Test
    void badRequestsAreProblemDocumentsThatSayWhatWasWrong() {
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"nowhere\",\"type\":\"vacuum\",\"object\":\"public.x\"}")
                .when().post("/api/operations").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'nowhere' is not a managed database"));
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"drop_database\",\"object\":\"public.x\"}")
                .when().post("/api/operations").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("field 'type'"));
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"terminate\",\"object\":\"abc\"}")
                .when().post("/api/operations").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("is not a backend pid"));
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\": ")
                .when().post("/api/operations").then().statusCode(400).contentType("application/problem+json");
        given().header("X-API-Key", OperationsTestSupport.VIEWER)
                .when().get("/api/operations?status=exploded").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("query parameter 'status'"));
        given().header("X-API-Key", OperationsTestSupport.VIEWER)
                .when().get("/api/operations/not-a-uuid").then().statusCode(400).contentType("application/problem+json");
        given().header("X-API-Key", OperationsTestSupport.VIEWER)
                .when().get("/api/operations/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void viewersReadOperatorsActAndHealthStaysOpen() {
        given().when().get("/api/operations").then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("API key is required"));
        given().header("X-API-Key", "wrong-secret-123").when().get("/api/operations").then().statusCode(401);
        given().header("Authorization", "Bearer " + OperationsTestSupport.VIEWER).when().get("/api/operations")
                .then().statusCode(200);
        given().header("X-API-Key", OperationsTestSupport.VIEWER).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"analyze\",\"object\":\"public.x\"}")
                .when().post("/api/operations").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("needs an operator key"));
        // served without a key (the background summary's first refresh may still be running right after start)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/health").then().statusCode(200));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void databasesAreListedWithReachabilityAndActivity() {
        given().header("X-API-Key", OperationsTestSupport.VIEWER).when().get("/api/databases").then()
                .statusCode(200)
                .body("id", hasItem("demo"))
                .body("find { it.id == 'demo' }.database_name", equalTo("demo_target"))
                .body("find { it.id == 'demo' }.status", equalTo("reachable"))
                .body("find { it.id == 'demo' }.connection_count", notNullValue())
                .body("find { it.id == 'demo' }.active_queries", notNullValue())
                .body("find { it.id == 'demo' }.slow_queries", notNullValue())
                .body("find { it.id == 'demo' }.disk_usage_gb", notNullValue())
                .body("find { it.id == 'demo' }.notes[0]", containsString("last_backup"));
    }

    @Test
    void aManualAnalyzeOnAValidTableRunsAndIsListed() throws Exception {
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE IF NOT EXISTS public.manual_t (id int)");
        String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"analyze\",\"object\":\"manual_t\",\"reason\":\"test\"}")
                .when().post("/api/operations").then().statusCode(201)
                .body("object", equalTo("public.manual_t")).body("requested_by", equalTo("operator"))
                .extract().path("id");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                "succeeded".equals(given().header("X-API-Key", OperationsTestSupport.VIEWER)
                        .when().get("/api/operations/" + id).then().extract().path("status")));
        given().header("X-API-Key", OperationsTestSupport.VIEWER).when().get("/api/operations?database=demo&type=analyze")
                .then().statusCode(200).body("id", hasItem(id));
        assertNotNull(id);
    }

    private long operations() throws Exception {
        try (Connection c = postgres.connect(OperationsTestSupport.STATE_DB);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM automation.operation");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
