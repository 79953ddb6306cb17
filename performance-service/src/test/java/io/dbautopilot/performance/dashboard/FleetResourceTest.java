package io.dbautopilot.performance.dashboard;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.fleet.TargetWriter;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/fleet} against the test profile's six targets (five on a real PostgreSQL, offline unreachable): one row
 * each with grade, score and open anomalies, worst first, filtered by engine, label (from the fleet registry) and id,
 * paged, and a malformed label filter refused with problem+json.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class FleetResourceTest {

    @Inject
    TargetStore registry;

    @Inject
    TargetWriter writer;

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The test profile's targets (application.properties). */
    private static final Set<String> IDS = Set.of("demo", "offline", "plain", "broken", "crowded", "hurried");

    @Test
    void everyTargetHasARowWorstFirstWithItsGradeAndAnomalies() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonPath p = fleet("");
            return p.getInt("total") == IDS.size() && p.getList("rows.grade").stream().allMatch(g -> g != null);
        });
        JsonPath p = fleet("");
        assertEquals("offline", p.getList("rows.id").get(0), "unreachable first");
        assertEquals(IDS, Set.copyOf(p.getList("rows.id")));
        Map<String, Object> offline = p.getMap("rows[0]");
        assertEquals(false, offline.get("reachable"));
        assertEquals("F", offline.get("grade"), "a target that is down scores 0");
        assertEquals(0, offline.get("score"));
        assertEquals("postgresql", offline.get("engine"));
        assertEquals(Map.of(), offline.get("labels"));
        assertNotNull(offline.get("owner"));
        assertNotNull(offline.get("last_cycle_at"));
        List<Integer> scores = p.getList("rows.score", Integer.class).subList(1, IDS.size());
        assertEquals(scores.stream().sorted().toList(), scores, "then lowest score first");
        assertEquals(IDS.size(), p.getMap("grades").values().stream().mapToInt(v -> (Integer) v).sum(), "grade counts");
        assertEquals(List.of("postgresql"), p.getList("engines"));

        // the counts agree with GET /api/anomalies?state=open (both re-read: cycles keep running)
        for (String id : IDS) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                int listed = RestAssured.get("/api/anomalies?state=open&target=" + id).jsonPath().getList("$").size();
                Object counted = fleet("q=" + id).getList("rows.findAll { it.id == '" + id + "' }.open_anomalies").get(0);
                return Integer.valueOf(listed).equals(counted);
            });
        }
    }

    @Test
    void filtersAndPages() {
        await().atMost(WAIT).until(() -> fleet("").getInt("total") == IDS.size());
        assertEquals(List.of("demo"), fleet("q=DEM").getList("rows.id"), "id substring, any case");
        assertEquals(IDS.size(), fleet("engine=postgresql").getInt("total"));
        assertEquals(0, fleet("engine=mysql").getInt("total"));
        assertEquals(0, fleet("label=env=prod").getInt("total"), "no test target is labelled env=prod");
        assertEquals(0, fleet("label=env=prod&label=team=payments").getInt("total"));

        JsonPath first = fleet("limit=1");
        assertEquals(IDS.size(), first.getInt("total"), "total counts every match, not the page");
        assertEquals(1, first.getList("rows").size());
        JsonPath second = fleet("limit=2&offset=1");
        assertEquals(2, second.getList("rows").size());
        assertEquals(1, second.getInt("offset"));
        assertTrue(fleet("offset=10").getList("rows").isEmpty());
    }

    @Test
    void labelsAndEngineComeFromTheFleetRegistry() {
        await().atMost(WAIT).until(() -> fleet("").getInt("total") == IDS.size());
        Optional<RegisteredTarget> before = registry.get("demo");
        TargetDefinition labelled = before.map(RegisteredTarget::definition).map(d -> new TargetDefinition(d.id(),
                        d.engine(), d.url(), d.username(), d.credentialsRef(), Map.of("env", "fleet-test", "team", "dash"),
                        d.collection(), d.automation(), d.trust(), d.source(), d.updatedAt(), d.updatedBy()))
                .orElseGet(() -> new TargetDefinition("demo", Engine.POSTGRESQL,
                        ConfigProvider.getConfig().getValue("autopilot.targets.demo.url", String.class),
                        ConfigProvider.getConfig().getValue("autopilot.targets.demo.username", String.class), null,
                        Map.of("env", "fleet-test", "team", "dash"), null, null, null, null, null, null));
        writer.put(labelled);
        try {
            await().atMost(WAIT).until(() -> fleet("label=env=fleet-test").getInt("total") == 1);
            JsonPath p = fleet("label=env=fleet-test&label=team=dash");
            assertEquals(List.of("demo"), p.getList("rows.id"), "every label filter must hold");
            assertEquals(Map.of("env", "fleet-test", "team", "dash"), p.getMap("rows[0].labels"));
            assertEquals("postgresql", p.getString("rows[0].engine"));
            assertEquals(0, fleet("label=env=fleet-test&label=team=other").getInt("total"));
            assertEquals(Map.of(), fleet("q=plain").getMap("rows[0].labels"), "a target the registry lacks: no labels");
        } finally {
            if (before.isPresent()) {
                writer.put(before.get().definition());
            } else {
                writer.remove("demo");
            }
        }
    }

    @Test
    void malformedFiltersAreRefusedWithAProblem() {
        for (String bad : List.of("label=env", "label==prod", "label=env=", "limit=0", "limit=5001", "offset=-1")) {
            RestAssured.given().accept("application/json").get("/api/fleet?" + bad).then().statusCode(400)
                    .contentType("application/problem+json").body("status", org.hamcrest.Matchers.is(400));
        }
        RestAssured.get("/api/fleet?label=env").then().statusCode(400)
                .body("detail", containsString("key=value"));
    }

    private static JsonPath fleet(String query) {
        return RestAssured.get("/api/fleet" + (query.isEmpty() ? "" : "?" + query)).then().statusCode(200)
                .extract().jsonPath();
    }
}
