package io.dbautopilot.performance.access;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.dbautopilot.testing.AccessProfiles;
import io.dbautopilot.testing.ApiAccessMatrix;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;


import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** With keys configured: real HTTP calls without, with viewer and with operator keys; then every endpoint. */
@QuarkusTest
@TestProfile(AccessProfiles.KeysConfigured.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ApiAccessTest {


    private static final String SILENCE = """
            {"matchers": {"rule": "unused_index"}, "duration": "1h", "comment": "access test"}""";

    private static RequestSpecification viewer() {
        return RestAssured.given().header("X-API-Key", "viewer-secret-7");
    }

    private static RequestSpecification operator() {
        return RestAssured.given().header("Authorization", "Bearer operator-secret-8");
    }

    @Test
    void withoutACredentialTheApiIsRefusedButHealthAndMetricsStayOpen() {
        RestAssured.get("/api/silences").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("status", equalTo(401))
                .body("detail", containsString("X-API-Key"));
        RestAssured.given().contentType(ContentType.JSON).body(SILENCE).post("/api/silences").then().statusCode(401)
                .contentType("application/problem+json");
        RestAssured.given().header("X-API-Key", "wrong-secret-9").get("/api/operations").then().statusCode(401)
                .body("detail", containsString("not valid"));
        RestAssured.given().header("Authorization", "Bearer nope-nope-nope").get("/api/anomalies").then().statusCode(401);
        RestAssured.get("/q/health/live").then().statusCode(200);
        RestAssured.get("/q/metrics").then().statusCode(200);
    }

    @Test
    void aViewerMayReadButNotChange() {
        viewer().get("/api/silences").then().statusCode(200);
        viewer().get("/api/operations").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer viewer-secret-7").get("/api/anomalies").then().statusCode(200);
        viewer().contentType(ContentType.JSON).body(SILENCE).post("/api/silences").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("'dashboard' is a viewer"));
        viewer().delete("/api/silences/{id}", "00000000-0000-0000-0000-000000000000").then().statusCode(403);
        viewer().contentType(ContentType.JSON).body("{\"by\": \"x\"}").post("/api/anomalies/{fp}/ack", "abc").then()
                .statusCode(403);
        viewer().contentType(ContentType.JSON).body("{\"name\": \"viewer-try\"}")
                .post("/api/targets/{id}/baselines", "demo").then().statusCode(403);
        String target = "{\"id\": \"viewer-db\", \"engine\": \"postgresql\", \"url\": \"postgresql://db:5432/x\"}";
        viewer().contentType(ContentType.JSON).body(target).post("/api/targets").then().statusCode(403)
                .contentType("application/problem+json");
        viewer().contentType(ContentType.JSON).body(target).put("/api/targets/viewer-db").then().statusCode(403);
        viewer().delete("/api/targets/demo").then().statusCode(403);
        viewer().contentType(ContentType.JSON).body("{}").post("/api/targets/{id}/benchmarks", "demo").then()
                .statusCode(403).contentType("application/problem+json");
        viewer().delete("/api/targets/{id}/benchmarks/{run}", "demo", "00000000-0000-0000-0000-000000000000").then()
                .statusCode(403).contentType("application/problem+json");
        viewer().post("/api/targets/{id}/benchmarks/{run}/baseline", "demo", "00000000-0000-0000-0000-000000000000")
                .then().statusCode(403);
        viewer().get("/api/targets/{id}/benchmarks", "demo").then().statusCode(200);
        RestAssured.given().contentType(ContentType.JSON).body(target).post("/api/targets").then().statusCode(401)
                .contentType("application/problem+json");
        viewer().get("/api/targets").then().statusCode(200);
        // a method no endpoint has is not an access question: 405, whoever asks
        viewer().contentType(ContentType.JSON).body("{}").put("/api/silences").then().statusCode(405);
    }

    @Test
    void anOperatorMayChange() {
        String id = operator().contentType(ContentType.JSON).body(SILENCE).post("/api/silences").then().statusCode(201)
                .extract().path("id");
        RestAssured.given().header("X-API-Key", "operator-secret-7").get("/api/silences").then().statusCode(200);
        operator().delete("/api/silences/{id}", id).then().statusCode(204);
        // Past the filter: the resource answers (no such anomaly).
        operator().contentType(ContentType.JSON).body("{\"by\": \"bob\"}").post("/api/anomalies/{fp}/ack", "abc").then()
                .statusCode(404).contentType("application/problem+json");
    }

    @Test
    void everyEndpointOfTheOpenApiDocumentFollowsTheMatrix() {
        ApiAccessMatrix.assertKeysConfigured("viewer-secret-7", "operator-secret-8");
        ApiAccessMatrix.assertDocumented();
    }
}
