package io.dbautopilot.performance.baseline;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.performance.collect.Snapshots;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Baselines of a real target: captured, kept (newest 10), compared after a real change on the throwaway cluster. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class BaselineResourceTest {

    @InjectInfra
    PostgresServer postgres;

    private static JsonPath capture(String target, String name) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"comment\": \"test\", \"captured_by\": \"alice\"}")
                .post("/api/targets/{id}/baselines", target).then().statusCode(201).extract().jsonPath();
    }

    private static Map<String, Object> figure(JsonPath comparison, String name) {
        return comparison.<Map<String, Object>>getList("figures").stream().filter(f -> name.equals(f.get("figure")))
                .findFirst().orElseThrow();
    }

    @Test
    void deadRowsAfterTheBaselineAreARegression() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS baseline_churn",
                "CREATE TABLE baseline_churn(id int) WITH (autovacuum_enabled = false)");
        // capture once the collector has read the new table, so the baseline's dead-tuple figure includes it
        Snapshots.await("demo", Instant.now(), s -> Snapshots.value(s, "pg_stat_user_tables_n_dead_tup",
                "relname", "baseline_churn").isPresent());
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"before-churn\"}")
                        .post("/api/targets/{id}/baselines", "demo").statusCode() == 201);
        JsonPath before = RestAssured.get("/api/targets/{id}/baselines", "demo").then().statusCode(200)
                .body("name", hasItem("before-churn")).extract().jsonPath();
        Map<String, Object> b = before.<Map<String, Object>>getList("").stream()
                .filter(x -> "before-churn".equals(x.get("name"))).findFirst().orElseThrow();
        Map<String, Number> figures = (Map<String, Number>) b.get("figures");
        assertTrue(figures.containsKey("tps") && figures.containsKey("cache_hit_ratio")
                && figures.containsKey("health_score") && figures.containsKey("database_size_bytes"), "figures: " + figures);
        assertEquals("api", b.get("captured_by"));
        double deadBefore = figures.get("dead_tuples").doubleValue();

        postgres.execute("demo_target", "INSERT INTO baseline_churn SELECT g FROM generate_series(1, 50000) g",
                "DELETE FROM baseline_churn");
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonPath cmp = RestAssured.given().queryParam("from", "before-churn").queryParam("to", "now")
                    .get("/api/targets/{id}/baselines/compare", "demo").then().statusCode(200).extract().jsonPath();
            Map<String, Object> dead = figure(cmp, "dead_tuples");
            // the 50,000 deleted rows are dead now (other tables may have been vacuumed meanwhile)
            assertTrue(((Number) dead.get("to")).doubleValue() >= 50_000, "dead tuples: " + dead);
            assertEquals(true, dead.get("regressed"));
            assertEquals("lower_is_better", dead.get("direction"));
            assertTrue(cmp.getList("regressions").contains("dead_tuples"));
        });

        capture("demo", "after-churn");
        JsonPath cmp = RestAssured.given().queryParam("from", "before-churn").queryParam("to", "after-churn")
                .get("/api/targets/{id}/baselines/compare", "demo").then().statusCode(200)
                .body("from", equalTo("before-churn")).body("to", equalTo("after-churn"))
                .body("from_at", notNullValue()).extract().jsonPath();
        Map<String, Object> dead = figure(cmp, "dead_tuples");
        double from = ((Number) dead.get("from")).doubleValue();
        double to = ((Number) dead.get("to")).doubleValue();
        assertEquals(deadBefore, from, 0.001);
        assertEquals(to - from, ((Number) dead.get("change")).doubleValue(), 0.001);
        if (from > 0) {
            double pct = (to - from) / from * 100;
            assertEquals(pct, ((Number) dead.get("change_pct")).doubleValue(), Math.abs(pct) * 1e-6);
        }
        assertEquals(true, dead.get("regressed"));
        // The reverse comparison: the same change seen backwards is an improvement, not a regression.
        JsonPath reverse = RestAssured.given().queryParam("from", "after-churn").queryParam("to", "before-churn")
                .get("/api/targets/{id}/baselines/compare", "demo").then().statusCode(200).extract().jsonPath();
        assertFalse((Boolean) figure(reverse, "dead_tuples").get("regressed"));
        assertTrue((Boolean) figure(reverse, "dead_tuples").get("improved"));
        postgres.execute("demo_target", "DROP TABLE baseline_churn");
    }

    @Test
    void onlyTheNewestTenAreKept() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"keep-00\"}")
                        .post("/api/targets/{id}/baselines", "plain").statusCode() == 201);
        for (int i = 1; i <= 11; i++) {
            capture("plain", String.format("keep-%02d", i));
        }
        List<String> names = RestAssured.get("/api/targets/{id}/baselines", "plain").then().statusCode(200)
                .extract().jsonPath().getList("name");
        assertEquals(10, names.size(), "names: " + names);
        assertEquals("keep-11", names.get(0), "newest first");
        assertFalse(names.contains("keep-01"));
        assertFalse(names.contains("keep-00"));
        RestAssured.given().queryParam("from", "keep-00").get("/api/targets/{id}/baselines/compare", "plain").then()
                .statusCode(404).contentType("application/problem+json").body("detail", containsString("keep-00"));
    }

    @Test
    void badRequestsAreProblems() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"dup\"}")
                        .post("/api/targets/{id}/baselines", "broken").statusCode() == 201);
        RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"dup\"}")
                .post("/api/targets/{id}/baselines", "broken").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("already has a baseline named 'dup'"));
        RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"now\"}")
                .post("/api/targets/{id}/baselines", "broken").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("reserved"));
        RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"a b; drop\"}")
                .post("/api/targets/{id}/baselines", "broken").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'name'"));
        RestAssured.given().contentType(ContentType.JSON).body("{}")
                .post("/api/targets/{id}/baselines", "broken").then().statusCode(400);
        RestAssured.get("/api/targets/{id}/baselines/compare", "broken").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'from' is required"));
        RestAssured.given().queryParam("from", "nope").get("/api/targets/{id}/baselines/compare", "broken").then()
                .statusCode(404).contentType("application/problem+json");
        RestAssured.get("/api/targets/{id}/baselines", "no-such-target").then().statusCode(404)
                .contentType("application/problem+json");
        RestAssured.given().queryParam("from", "dup").queryParam("to", "now")
                .get("/api/targets/{id}/baselines/compare", "broken").then().statusCode(200)
                .body("figures.figure", hasItem("tps"));
    }
}
