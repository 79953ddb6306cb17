package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operation time budget (2 s here) against a real lock wait, and partition retention under a policy that
 * detaches but never drops ({@code policy/detach-policy.yaml}).
 */
@QuarkusTest
@TestProfile(OperationBudgetAndDetachTest.SmallBudget.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OperationBudgetAndDetachTest {

    /** A 2 s time budget; database {@code budgeted} waits up to 60 s for locks; {@code keeper} detaches old partitions. */
    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String url = "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target";
            return Map.ofEntries(
                    Map.entry("autopilot.operations.time-budget", "2s"),
                    Map.entry("autopilot.policy.file", "classpath:policy/detach-policy.yaml"),
                    Map.entry("autopilot.databases.budgeted.url", url),
                    Map.entry("autopilot.databases.budgeted.username", "${dbautopilot.test.postgres.user}"),
                    Map.entry("autopilot.databases.budgeted.password", "${dbautopilot.test.postgres.password}"),
                    Map.entry("autopilot.databases.budgeted.lock-timeout", "60s"),
                    Map.entry("autopilot.databases.keeper.url", url),
                    Map.entry("autopilot.databases.keeper.username", "${dbautopilot.test.postgres.user}"),
                    Map.entry("autopilot.databases.keeper.password", "${dbautopilot.test.postgres.password}"),
                    Map.entry("autopilot.databases.keeper.partitions.kept.table", "public.kept_events"),
                    Map.entry("autopilot.databases.keeper.partitions.kept.interval", "daily"),
                    Map.entry("autopilot.databases.keeper.partitions.kept.premake", "1"),
                    Map.entry("autopilot.databases.keeper.partitions.kept.retention", "3d"));
        }
    }

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void aVacuumBlockedPastTheTimeBudgetFailsNamingTheBudgetAndItsStatementIsStopped() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.budget_t (id int)",
                "INSERT INTO public.budget_t SELECT generate_series(1, 100)");
        try (Connection holder = postgres.connect("demo_target");
             OperationsTestSupport support = new OperationsTestSupport(kafka, postgres)) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE public.budget_t IN ACCESS EXCLUSIVE MODE");
            }
            long started = System.nanoTime();
            String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"budgeted\",\"type\":\"vacuum\",\"object\":\"public.budget_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            UUID uuid = UUID.fromString(id);
            // the VACUUM really waits on the lock held here (lock_timeout 60 s would let it wait much longer)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> waiting(support) > 0
                    || List.of("failed", "succeeded", "cancelled", "deferred").contains(field(id, "status")));
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of("failed", "succeeded", "cancelled", "deferred")
                    .contains(field(id, "status")));
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertEquals("failed", field(id, "status"), "reason: " + field(id, "reason"));
            String error = field(id, "error");
            assertTrue(error.contains("time budget of PT2S"), error);
            assertTrue(error.contains("statement timeout"), error);
            assertTrue(seconds < 30, "ended by the 2 s budget, not the 60 s lock_timeout: " + seconds + " s");
            // still holding the lock: the backend's VACUUM is no longer running nor waiting
            assertEquals(0L, waiting(support), "no VACUUM of budget_t left in pg_stat_activity / pg_locks");
            assertEquals(0L, ((Number) support.targetValue("SELECT count(*) FROM pg_locks WHERE NOT granted "
                    + "AND relation = 'public.budget_t'::regclass")).longValue());
            JsonNode failed = support.last(uuid, "failed");
            assertTrue(failed.toString().contains("time budget"), failed.toString());
            holder.rollback();
        }
    }

    @Test
    void aPartitionBeyondRetentionIsDetachedButKeptWhenThePolicySaysDetach() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(10);
        postgres.execute("demo_target",
                "CREATE TABLE public.kept_events (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at)",
                "CREATE TABLE public.kept_events_old PARTITION OF public.kept_events FOR VALUES FROM ('" + old
                        + " 00:00:00+00') TO ('" + old.plusDays(1) + " 00:00:00+00')",
                "CREATE TABLE public.kept_events_today PARTITION OF public.kept_events FOR VALUES FROM ('" + today
                        + " 00:00:00+00') TO ('" + today.plusDays(1) + " 00:00:00+00')",
                "INSERT INTO public.kept_events VALUES (1, '" + old + " 12:00:00+00'), (2, now())");
        try (OperationsTestSupport support = new OperationsTestSupport(kafka, postgres)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    support.stateValue("SELECT id FROM automation.operation WHERE target_id = 'keeper' "
                            + "AND type = 'partition_detach' AND status = 'succeeded'") != null);
            UUID id = (UUID) support.stateValue("SELECT id FROM automation.operation WHERE target_id = 'keeper' "
                    + "AND type = 'partition_detach' AND status = 'succeeded'");
            assertEquals(0L, ((Number) support.targetValue("SELECT count(*) FROM pg_inherits "
                    + "WHERE inhrelid = 'public.kept_events_old'::regclass")).longValue(), "no longer attached");
            assertEquals(false, support.targetValue(
                    "SELECT relispartition FROM pg_class WHERE oid = 'public.kept_events_old'::regclass"));
            assertEquals(1L, ((Number) support.targetValue("SELECT count(*) FROM public.kept_events_old")).longValue(),
                    "the detached partition still exists as a table with its rows");
            assertEquals(0L, ((Number) support.stateValue("SELECT count(*) FROM automation.operation "
                    + "WHERE target_id = 'keeper' AND type = 'partition_drop'")).longValue(), "never dropped");
            JsonNode succeeded = support.last(id, "succeeded");
            JsonNode effect = succeeded.path("details").path("effect");
            assertEquals("partition_detach", succeeded.path("type").asText(), succeeded.toString());
            assertEquals("[\"public.kept_events_old\"]", effect.path("detached").toString(), succeeded.toString());
            assertEquals("[]", effect.path("dropped").toString(), succeeded.toString());
            Map<String, Object> result = given().header("X-API-Key", OperationsTestSupport.OPERATOR)
                    .get("/api/operations/" + id).then().statusCode(200).extract().path("result");
            assertEquals(List.of("public.kept_events_old"), result.get("detached"), String.valueOf(result));
        }
    }

    private static long waiting(OperationsTestSupport support) throws Exception {
        return ((Number) support.targetValue("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND pid <> pg_backend_pid() AND state = 'active' AND query ILIKE 'VACUUM%budget_t%'")).longValue();
    }

    private static String field(String id, String name) {
        return given().header("X-API-Key", OperationsTestSupport.OPERATOR).get("/api/operations/" + id).then()
                .statusCode(200).extract().path(name);
    }
}
