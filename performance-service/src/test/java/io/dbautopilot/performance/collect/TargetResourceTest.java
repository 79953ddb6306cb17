package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** {@code /api/targets} and {@code /q/metrics} show what the collector found, per target. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TargetResourceTest {

    @io.dbautopilot.localstack.quarkus.InjectInfra
    io.dbautopilot.localstack.postgres.PostgresServer postgres;

    @Test
    void listsTargetsWithReachabilityLastCycleAndDatabases() {
        Snapshots.await("demo", Instant.now(), s -> true);
        Snapshots.await("offline", Instant.now(), s -> true);
        RestAssured.get("/api/targets").then().statusCode(200)
                .body("find { it.id == 'demo' }.reachable", equalTo(true))
                .body("find { it.id == 'demo' }.last_cycle_at", notNullValue())
                .body("find { it.id == 'demo' }.last_duration_ms", notNullValue())
                .body("find { it.id == 'demo' }.databases", hasItem("demo_target"))
                .body("find { it.id == 'demo' }.databases", not(hasItem("metrics_probe")))
                .body("find { it.id == 'offline' }.reachable", equalTo(false));
        RestAssured.get("/api/targets/demo/snapshot").then().statusCode(200)
                .body("target_id", equalTo("demo"))
                .body("points.find { it.name == 'pg_up' }.value", equalTo(1.0f));
    }

    @Test
    void anUnknownTargetIsAProblemNamingTheKnownOnes() {
        RestAssured.get("/api/targets/nope/snapshot").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString("no target 'nope'"))
                .body("detail", containsString("demo"));
    }

    @Test
    void metricsEndpointCarriesTheValuesWithATargetLabel() throws Exception {
        try (var c = postgres.connect("demo_target"); var st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS exported_probe (id int)");
        }
        Snapshots.await("demo", Instant.now(), s -> Snapshots.value(s, "pg_stat_user_tables_n_live_tup",
                "datname", "demo_target", "relname", "exported_probe").isPresent());
        String body = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("pg_up{target=\"demo\"} 1.0"), "pg_up of demo");
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("pg_up{target=\"offline\"} 0.0"), "pg_up of offline");
        org.junit.jupiter.api.Assertions.assertTrue(body.lines().anyMatch(l -> l.startsWith("pg_stat_user_tables_n_live_tup{")
                && l.contains("datname=\"demo_target\"") && l.contains("relname=\"exported_probe\"")
                && l.contains("target=\"demo\"")), "per-table series");
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("autopilot_collection_duration_seconds{target=\"demo\"}"));
    }
}
