package io.dbautopilot.automation.access;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.ApiFuzz;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 hostile requests (seeded, so a failure reproduces) against every operation of this service's OpenAPI
 * document with a viewer and an operator key: no 5xx, every 4xx a problem document, nothing created, and no hostile
 * value in the text of any statement the cluster ran ({@code pg_stat_statements}: values only ever travel as bind
 * parameters).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ApiFuzzTest {

    private static final long SEED = 17_2026L;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void tenThousandHostileRequestsGetNo5xxOnlyProblemDocumentsAndChangeNothing() throws Exception {
        postgres.execute("demo_target", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        Map<String, Object> before = snapshot();
        ApiFuzz.Result result = ApiFuzz.run(SEED, Integer.getInteger("fuzz.requests", 10_000),
                "viewer-secret-1", "operator-secret-1");
        System.out.printf("API fuzz (seed %d): %d requests, statuses %s, %d answered by the HTTP layer itself%n", SEED,
                result.sent(), result.statuses(), result.httpLayerRejections());
        Map<String, Object> after = snapshot();
        long marked;
        try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%"
                     + ApiFuzz.MARKER + "%'")) {
            rs.next();
            marked = rs.getLong(1);
        }
        assertAll(
                () -> assertEquals(0, result.violations().size(), () -> result.violations().size() + " violations, "
                        + "first: " + String.join("\n", result.violations().subList(0,
                        Math.min(20, result.violations().size())))),
                () -> assertTrue(result.statuses().keySet().stream().anyMatch(s -> s == 400),
                        "the fuzz reached input validation"),
                () -> assertEquals(before, after, "nothing created or changed"),
                () -> assertEquals(0, marked, "a hostile value reached the text of a statement"));
    }

    private Map<String, Object> snapshot() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = postgres.connect("autopilot_state"); Statement st = c.createStatement()) {
            for (String q : new String[] {
                "SELECT count(*) FROM automation.operation WHERE requested_by IN ('operator', 'viewer')",
                "SELECT count(*) FROM automation.emergency_stop",
                "SELECT count(*) FROM automation.restore",
                "SELECT count(*) FROM automation.backup WHERE database_id NOT IN ('demo', 'patient', 'careful')",
            }) {
                try (ResultSet rs = st.executeQuery(q)) {
                    rs.next();
                    out.put(q, rs.getLong(1));
                }
            }
        }
        out.put("GET /api/emergency-stop", given().header("X-API-Key", "viewer-secret-1").get("/api/emergency-stop")
                .then().statusCode(200).extract().path("active"));
        out.put("GET /api/operations (by API callers)", given().header("X-API-Key", "viewer-secret-1")
                .get("/api/operations?limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.requested_by == 'operator' || it.requested_by == 'viewer' }.id"));
        return out;
    }
}
