package io.dbautopilot.automation.partition;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partition upkeep on a real range-partitioned table (test config: {@code public.events} on database demo, daily,
 * 3 ahead, retention 3 days, test policy drops beyond retention): the next partitions are created, the old one is
 * detached and dropped, and the health report says so.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PartitionUpkeepTest {

    private static final String VIEWER = "viewer-secret-1";

    @InjectInfra
    PostgresServer postgres;

    @Test
    void missingPartitionsAheadAreCreatedAndPartitionsBeyondRetentionDropped() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(10);
        postgres.execute("demo_target",
                "CREATE TABLE public.events (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at)",
                "CREATE TABLE public.events_old PARTITION OF public.events FOR VALUES FROM ('" + old + " 00:00:00+00') TO ('"
                        + old.plusDays(1) + " 00:00:00+00')",
                "CREATE TABLE public.events_today PARTITION OF public.events FOR VALUES FROM ('" + today + " 00:00:00+00') TO ('"
                        + today.plusDays(1) + " 00:00:00+00')",
                "INSERT INTO public.events VALUES (1, '" + old + " 12:00:00+00'), (2, now())");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<Map<String, Object>> health = given().header("X-API-Key", VIEWER).get("/api/partitions").then()
                    .statusCode(200).extract().path("findAll { it.partition_set == 'events' }");
            return health.size() == 1 && Boolean.TRUE.equals(health.get(0).get("healthy"));
        });
        given().header("X-API-Key", VIEWER).get("/api/partitions").then().statusCode(200)
                .body("find { it.partition_set == 'events' }.partitions", org.hamcrest.Matchers.equalTo(4))
                .body("find { it.partition_set == 'events' }.covered_until",
                        org.hamcrest.Matchers.startsWith(today.plusDays(4).toString()));

        List<String> partitions = new ArrayList<>();
        try (Connection c = postgres.connect("demo_target");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                             + "WHERE i.inhparent = 'public.events'::regclass ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                partitions.add(rs.getString(1));
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            expected.add("events_p" + today.plusDays(i).toString().replace("-", ""));
        }
        expected.add("events_today");
        assertEquals(expected, partitions);
        try (Connection c = postgres.connect("demo_target");
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass('public.events_old') IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertTrue(rs.getBoolean(1), "the partition beyond retention was dropped");
        }
        List<String> types = given().header("X-API-Key", VIEWER).get("/api/operations?database=demo&status=succeeded")
                .then().extract().path("findAll { it.object == 'public.events' }.type");
        assertTrue(types.contains("partition_create") && types.contains("partition_drop"), types.toString());
    }
}
