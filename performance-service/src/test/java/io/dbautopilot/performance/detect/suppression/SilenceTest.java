package io.dbautopilot.performance.detect.suppression;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Silences on the real cluster and broker: a matching anomaly is recorded as silenced, not published, until the silence goes. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class SilenceTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    AnomalyStore store;

    @Test
    void aSilencedAnomalyIsRecordedButPublishedOnlyOnceTheSilenceIsDeleted() throws Exception {
        String silence = RestAssured.given().contentType(ContentType.JSON).body("""
                {"matchers": {"target": "demo", "rule": "invalid_index", "object": "~.*detect_silenced_.*"},
                 "comment": "known, being fixed", "created_by": "bob", "duration": "1h"}""")
                .post("/api/silences").then().statusCode(201).extract().path("id");
        RestAssured.get("/api/silences").then().statusCode(200).body("id", hasItem(silence))
                .body("created_by", hasItem("bob"));

        postgres.execute("demo_target", "DROP TABLE IF EXISTS detect_silenced", "CREATE TABLE detect_silenced(v int)",
                "INSERT INTO detect_silenced VALUES (7), (7)");
        assertThrows(SQLException.class, () -> {
            try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
                st.execute("CREATE UNIQUE INDEX CONCURRENTLY detect_silenced_v ON detect_silenced(v)");
            }
        });
        String fp = AnomalyLifecycle.fingerprint("invalid_index", "demo", "demo_target.public.detect_silenced_v");
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            // Other targets on the same cluster (broken, crowded) are not silenced: their event shows detection ran.
            events.await(60, "invalid_index opened for another target", r -> !"demo".equals(r.key())
                    && r.event().detector().equals("invalid_index")
                    && "demo_target.public.detect_silenced_v".equals(r.event().object()));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.get(fp)
                    .filter(r -> r.status() == AnomalyStatus.OPEN && silence.equals(r.silencedBy())).isPresent());
            Thread.sleep(3000); // several more cycles and relay runs
            assertThrows(AssertionError.class, () -> events.await(2, "none for demo", r -> r.event().fingerprint().equals(fp)),
                    "a silenced anomaly is not published");
            RestAssured.get("/api/anomalies/{fp}", fp).then().statusCode(200)
                    .body("silenced_by", org.hamcrest.Matchers.equalTo(silence));

            RestAssured.delete("/api/silences/{id}", silence).then().statusCode(204);
            AnomalyEvent opened = events.await(30, "opened once the silence is gone",
                    r -> r.event().fingerprint().equals(fp) && r.event().state() == AnomalyState.OPENED).event();
            assertEquals("drop_index", opened.suggestedAction());
            assertTrue(store.get(fp).orElseThrow().silencedBy() == null);

            postgres.execute("demo_target", "DROP INDEX detect_silenced_v");
            events.await(60, "resolved", r -> r.event().fingerprint().equals(fp) && r.event().state() == AnomalyState.RESOLVED);
        }
    }

    @Test
    void badSilencesAreProblems() {
        RestAssured.given().contentType(ContentType.JSON).body("{\"matchers\": {\"colour\": \"red\"}, \"duration\": \"1h\"}")
                .post("/api/silences").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unknown matcher 'colour'"));
        RestAssured.given().contentType(ContentType.JSON).body("{\"matchers\": {\"rule\": \"x\"}}")
                .post("/api/silences").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("must lie in the future"));
        RestAssured.given().contentType(ContentType.JSON).body("{\"matchers\": {\"rule\": \"x\"}, \"duration\": \"soon\"}")
                .post("/api/silences").then().statusCode(400).contentType("application/problem+json");
        RestAssured.given().contentType(ContentType.JSON).body("{\"matchers\": {}, \"duration\": \"1h\"}")
                .post("/api/silences").then().statusCode(400).contentType("application/problem+json");
        RestAssured.delete("/api/silences/{id}", "00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        RestAssured.delete("/api/silences/{id}", "not-a-uuid").then().statusCode(404);
    }
}
