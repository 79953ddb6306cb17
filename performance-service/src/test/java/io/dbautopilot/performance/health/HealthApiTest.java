package io.dbautopilot.performance.health;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/health/database}, {@code /performance} and {@code /partitions} against the test profile's targets on a
 * real PostgreSQL cluster (offline is unreachable): status and figures per target, a regression after a baseline
 * when statements turn slow, and a real range-partitioned table with a gap.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class HealthApiTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @InjectInfra
    PostgresServer postgres;

    private static JsonPath get(String path, String target) {
        var request = RestAssured.given();
        if (target != null) {
            request = request.queryParam("target", target);
        }
        return request.get(path).then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    private static Map<String, Object> row(JsonPath answer, String target) {
        return answer.<Map<String, Object>>getList("targets").stream().filter(t -> target.equals(t.get("target")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + target + " in " + answer.prettify()));
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyTargetHasItsStatusConnectionsCacheSlowQueriesSizesAndGrade() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            JsonPath all = get("/api/health/database", null);
            Map<String, Object> demo = row(all, "demo");
            assertEquals("up", demo.get("status"));
            assertNotNull(demo.get("cache_hit_ratio"), "cache hit ratio: " + demo);
            assertNotNull(demo.get("grade"), "grade: " + demo);
            assertNotNull(((Map<String, Object>) demo.get("slow_queries")).get("slow_statements"), "slow: " + demo);
            assertEquals("down", row(all, "offline").get("status"));
        });
        JsonPath all = get("/api/health/database", null);
        List<String> ids = all.getList("targets.target");
        assertTrue(ids.containsAll(List.of("demo", "offline", "plain", "broken", "crowded", "hurried")), "targets: " + ids);
        assertNotNull(all.getString("instance"));

        Map<String, Object> demo = row(all, "demo");
        assertEquals(true, demo.get("collected_here"));
        assertEquals("postgresql", demo.get("engine"));
        Map<String, Object> connections = (Map<String, Object>) demo.get("connections");
        double used = number(connections.get("used"));
        double max = number(connections.get("max"));
        assertTrue(used >= 1 && max > used, "connections: " + connections);
        assertEquals(used / max, number(connections.get("utilization")), 1e-6);
        Map<String, Object> ratios = (Map<String, Object>) demo.get("cache_hit_ratios");
        assertTrue(ratios.containsKey("demo_target"), "per database: " + ratios);
        double worst = ratios.values().stream().mapToDouble(HealthApiTest::number).min().orElseThrow();
        assertEquals(worst, number(demo.get("cache_hit_ratio")), 1e-6);
        assertTrue(worst >= 0 && worst <= 1);
        Map<String, Object> sizes = (Map<String, Object>) demo.get("database_sizes");
        assertTrue(number(sizes.get("demo_target")) > 0, "sizes: " + sizes);
        assertEquals(sizes.values().stream().mapToDouble(HealthApiTest::number).sum(), number(demo.get("total_size_bytes")), 0.5);
        Map<String, Object> slow = (Map<String, Object>) demo.get("slow_queries");
        assertEquals(0.1, number(slow.get("threshold_seconds")), 1e-6);
        int score = ((Number) demo.get("score")).intValue();
        assertTrue(score >= 0 && score <= 100);
        // the same score and grade as the target's health report
        JsonPath report = RestAssured.get("/api/targets/{id}/health", "demo").then().statusCode(200).extract().jsonPath();
        assertTrue(Math.abs(report.getInt("score") - score) <= 10, "report " + report.getInt("score") + " vs " + score);

        Map<String, Object> offline = row(all, "offline");
        assertEquals("down", offline.get("status"));
        assertNotNull(offline.get("error"), "why it is down: " + offline);
        assertEquals(0, ((Number) offline.get("score")).intValue(), "a target that is down scores 0");
        assertEquals("F", offline.get("grade"));
        assertNull(offline.get("connections"));
        assertNull(offline.get("cache_hit_ratio"));

        // narrowed to one target; an unknown one is a 404 problem naming it
        JsonPath one = get("/api/health/database", "plain");
        assertEquals(List.of("plain"), one.getList("targets.target"));
        for (String path : List.of("/api/health/database", "/api/health/performance", "/api/health/partitions")) {
            RestAssured.given().queryParam("target", "no-such-db").get(path).then().statusCode(404)
                    .contentType("application/problem+json").body("status", equalTo(404))
                    .body("detail", containsString("'no-such-db'"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statementsTurningSlowAfterTheLatestBaselineAreARegression() throws Exception {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> ((Map<String, Object>)
                row(get("/api/health/database", "demo"), "demo").get("slow_queries")).get("slow_statements") != null);
        String baseline = "health-before-" + System.nanoTime();
        await().atMost(WAIT).ignoreExceptions().until(() -> RestAssured.given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + baseline + "\"}").post("/api/targets/{id}/baselines", "demo").statusCode() == 201);
        JsonPath before = get("/api/health/performance", "demo");
        Map<String, Object> row = row(before, "demo");
        assertEquals(baseline, row.get("baseline"));
        assertEquals(true, row.get("collected_here"));
        Map<String, Object> comparison = (Map<String, Object>) row.get("comparison");
        assertEquals(baseline, comparison.get("from"));
        assertEquals("now", comparison.get("to"));
        assertEquals(number(before.get("tolerance_pct")), number(comparison.get("tolerance_pct")), 0);
        assertFalse(((List<String>) row.get("regressions")).contains("slow_statements"), "slow before: " + row);

        // slowed: new statements whose means are well above the 100 ms slow threshold, enough of them to exceed the
        // tolerance whatever number of slow statements earlier tests left on the shared cluster (one per table: the
        // statements' query ids differ)
        double slowBefore = ((List<Map<String, Object>>) comparison.get("figures")).stream()
                .filter(f -> "slow_statements".equals(f.get("figure"))).map(f -> f.get("from"))
                .filter(java.util.Objects::nonNull).mapToDouble(HealthApiTest::number).findFirst().orElse(0);
        int statements = Math.max(2, (int) Math.ceil(slowBefore * 0.2) + 2);
        String table = "health_slow_" + System.nanoTime();
        List<String> tables = new java.util.ArrayList<>();
        for (int i = 0; i < statements; i++) {
            tables.add(table + "_" + i);
            postgres.execute("demo_target", "CREATE TABLE " + table + "_" + i + " (id int)");
            for (int run = 0; run < 2; run++) {
                postgres.execute("demo_target", "SELECT pg_sleep(0.15), count(*) FROM " + table + "_" + i);
            }
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            JsonPath after = get("/api/health/performance", null);
            Map<String, Object> demo = row(after, "demo");
            assertEquals("regressed", demo.get("status"), "after: " + demo);
            assertTrue(((List<String>) demo.get("regressions")).contains("slow_statements"), "regressions: " + demo);
            assertTrue(after.getList("regressed").contains("demo"));
            Map<String, Object> slow = ((List<Map<String, Object>>) ((Map<String, Object>) demo.get("comparison"))
                    .get("figures")).stream().filter(f -> "slow_statements".equals(f.get("figure"))).findFirst().orElseThrow();
            assertTrue(number(slow.get("to")) >= number(slow.get("from")) + 1, "slow statements: " + slow);
            assertEquals(true, slow.get("regressed"));
        });
        // the same verdict as the baselines' own comparison
        RestAssured.given().queryParam("from", baseline).get("/api/targets/{id}/baselines/compare", "demo").then()
                .statusCode(200).body("regressions", hasItem("slow_statements"));
        // and the slow statement is among the slowest the database view lists
        Map<String, Object> slow = (Map<String, Object>) row(get("/api/health/database", "demo"), "demo").get("slow_queries");
        List<Map<String, Object>> slowest = (List<Map<String, Object>>) slow.get("slowest");
        assertFalse(slowest.isEmpty(), "slowest: " + slow);
        slowest.forEach(s -> assertTrue(number(s.get("mean_seconds")) > 0.1, "not slow: " + s));
        assertTrue(slowest.stream().anyMatch(s -> "demo_target".equals(s.get("database"))), "slowest: " + slowest);

        // a target without any baseline says so; the unreachable one has none either
        Map<String, Object> offline = row(get("/api/health/performance", "offline"), "offline");
        assertEquals("no_baseline", offline.get("status"));
        assertNull(offline.get("comparison"));
        for (String t : tables) {
            postgres.execute("demo_target", "DROP TABLE " + t);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRangePartitionedTableWithAGapShowsItsCoverageMissingPeriodsRetentionAndSizes() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String parent = "public.\"Health Events\"";
        postgres.execute("demo_target", "DROP TABLE IF EXISTS " + parent, "DROP TABLE IF EXISTS public.health_regions",
                "CREATE TABLE " + parent + " (id bigint, at timestamptz NOT NULL, payload text) PARTITION BY RANGE (at)",
                partition("Health Events m3", today.minusDays(3)), partition("Health Events m2", today.minusDays(2)),
                // no partition for yesterday: the gap
                partition("Health Events p0", today), partition("Health Events p1", today.plusDays(1)),
                "INSERT INTO " + parent + " SELECT g, now(), repeat('x', 200) FROM generate_series(1, 5000) g",
                "INSERT INTO " + parent + " SELECT g, '" + today.minusDays(3) + " 12:00:00+00', 'old' FROM generate_series(1, 10) g",
                "CREATE TABLE public.health_regions (id int, region text) PARTITION BY LIST (region)",
                "CREATE TABLE public.health_regions_eu PARTITION OF public.health_regions FOR VALUES IN ('eu')");
        Map<String, Long> bytes = new java.util.HashMap<>();
        try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_inherits i "
                     + "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '" + parent + "'::regclass")) {
            while (rs.next()) {
                bytes.put("public." + rs.getString(1), rs.getLong(2));
            }
        }
        assertEquals(4, bytes.size());

        JsonPath answer = get("/api/health/partitions", "demo");
        Map<String, Object> demo = row(answer, "demo");
        assertEquals("inspected", demo.get("status"));
        assertTrue(((List<String>) demo.get("databases")).contains("demo_target"), "databases: " + demo);
        List<Map<String, Object>> tables = (List<Map<String, Object>>) demo.get("tables");
        Map<String, Object> events = tables.stream().filter(t -> "public.Health Events".equals(t.get("table"))
                && "demo_target".equals(t.get("database"))).findFirst().orElseThrow(() -> new AssertionError("tables: " + tables));
        assertEquals("timestamp with time zone", events.get("key_type"));
        assertNull(events.get("problem"));
        assertEquals("daily", events.get("interval"));
        assertEquals(4, events.get("partitions"));
        assertEquals(true, events.get("current_period_covered"));
        assertEquals(start(today).toString(), events.get("covered_since"));
        assertEquals(start(today.plusDays(2)).toString(), events.get("covered_until"));
        assertEquals(2, events.get("partitions_behind"));
        assertEquals(1, events.get("partitions_ahead"));
        List<Map<String, Object>> gaps = (List<Map<String, Object>>) events.get("gaps");
        assertEquals(1, gaps.size(), "gaps: " + gaps);
        assertEquals(start(today.minusDays(1)).toString(), gaps.get(0).get("from"));
        assertEquals(start(today).toString(), gaps.get(0).get("to"));
        String yesterday = today.minusDays(1) + "/" + today;
        assertEquals(List.of(yesterday), gaps.get(0).get("periods"));
        assertEquals(List.of(yesterday), events.get("missing_periods"));
        assertEquals(false, events.get("healthy"));
        assertTrue(((List<String>) events.get("issues")).get(0).contains("gap"), "issues: " + events.get("issues"));
        Map<String, Object> retention = (Map<String, Object>) events.get("retention");
        assertEquals("public.Health Events m3", retention.get("oldest_partition"));
        assertEquals(start(today.minusDays(3)).toString(), retention.get("oldest_from"));
        double days = number(retention.get("retained_days"));
        assertTrue(days >= 3 && days <= 4, "retained days (rounded): " + days);
        assertNull(retention.get("configured"));
        List<Map<String, Object>> partitions = (List<Map<String, Object>>) events.get("partition_list");
        assertEquals(List.of("public.Health Events m3", "public.Health Events m2", "public.Health Events p0",
                "public.Health Events p1"), partitions.stream().map(p -> p.get("name")).toList(), "oldest first");
        for (Map<String, Object> p : partitions) {
            assertEquals(bytes.get((String) p.get("name")).doubleValue(), number(p.get("bytes")), 0, "size of " + p);
        }
        assertEquals(bytes.values().stream().mapToLong(Long::longValue).sum(), number(events.get("total_bytes")), 0);
        assertTrue(bytes.get("public.Health Events p0") > bytes.get("public.Health Events p1"), "the 5,000 rows are in p0");

        Map<String, Object> regions = tables.stream().filter(t -> "public.health_regions".equals(t.get("table")))
                .findFirst().orElseThrow();
        assertTrue(((String) regions.get("problem")).contains("not range-partitioned"), "problem: " + regions);
        assertEquals(false, regions.get("healthy"));

        // filling the gap makes it healthy
        postgres.execute("demo_target", partition("Health Events m1", today.minusDays(1)));
        Map<String, Object> filled = ((List<Map<String, Object>>) row(get("/api/health/partitions", "demo"), "demo")
                .get("tables")).stream().filter(t -> "public.Health Events".equals(t.get("table"))).findFirst().orElseThrow();
        assertEquals(List.of(), filled.get("gaps"));
        assertEquals(List.of(), filled.get("missing_periods"));
        assertEquals(true, filled.get("healthy"), "filled: " + filled);
        assertEquals(start(today.minusDays(3)).toString(), filled.get("covered_since"));

        // the unreachable target is not inspected, and says why
        Map<String, Object> offline = row(get("/api/health/partitions", "offline"), "offline");
        assertEquals("down", offline.get("status"));
        assertEquals(List.of(), offline.get("tables"));
        postgres.execute("demo_target", "DROP TABLE " + parent, "DROP TABLE public.health_regions");
    }

    private static String partition(String name, LocalDate day) {
        return "CREATE TABLE public.\"" + name + "\" PARTITION OF public.\"Health Events\" FOR VALUES FROM ('" + day
                + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')";
    }

    private static Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
