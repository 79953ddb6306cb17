package io.dbautopilot.performance.advise;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The advisors end to end on a real throwaway cluster (HypoPG installed in advice_target, absent in advice_nohypo)
 * and the embedded broker: real workloads → findings → state database → outbox → CloudEvents on
 * {@code autopilot.recommendations.v1} → the API; withdrawals; no re-publishing of unchanged findings.
 */
@QuarkusTest
@TestProfile(AdviceProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class,
        initArgs = @ResourceArg(name = "targets", value = "demo_target,advice_target,advice_nohypo"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdvisorsTest {

    private static final String TARGET = "advice";
    private static RecommendationEvents events;

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    RecommendationStore store;

    @Inject
    AgroalDataSource state;

    @Inject
    TargetRegistry targets;

    @Inject
    TargetSessions sessions;

    @Inject
    io.dbautopilot.performance.collect.LatestSnapshots latest;

    @BeforeEach
    void prepare() throws SQLException {
        if (events != null) {
            return;
        }
        events = new RecommendationEvents(kafka.bootstrapServers());
        // NOLOGIN until it has every privilege (the collector reads them once per hour); grants on the catalog's
        // pg_hba_file_rules are per database
        postgres.execute("postgres", "CREATE ROLE " + AdviceProfile.MONITOR + " NOLOGIN PASSWORD '"
                + AdviceProfile.MONITOR_PASSWORD + "' IN ROLE pg_monitor");
        for (String db : java.util.List.of("postgres", "advice_target", "advice_nohypo")) {
            postgres.execute(db, "GRANT SELECT ON pg_hba_file_rules TO " + AdviceProfile.MONITOR,
                    "GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO " + AdviceProfile.MONITOR);
        }
        postgres.execute("postgres", "ALTER ROLE " + AdviceProfile.MONITOR + " LOGIN");
        postgres.execute("advice_target",
                "CREATE EXTENSION IF NOT EXISTS hypopg",
                // 200k orders, 20k customers: customer_id = $1 keeps ~10 rows of 200k
                "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, "
                        + "note text, created_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO orders (customer_id, status, note) SELECT g % 20000, "
                        + "(ARRAY['new','paid','shipped'])[g % 3 + 1], md5(g::text) FROM generate_series(1, 200000) g",
                // two identical indexes (the newer is the duplicate), and one on note that nothing reads
                "CREATE INDEX orders_status_a ON orders (status)",
                "CREATE INDEX orders_status_b ON orders (status)",
                "CREATE INDEX orders_note ON orders (note)",
                // a B-tree whose columns lead another's: redundant
                "CREATE TABLE items (a int, b int)",
                "CREATE INDEX items_a_b ON items (a, b)",
                "CREATE INDEX items_a ON items (a)",
                // churn: autovacuum off for it, every row updated three times
                "CREATE TABLE churn (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)",
                "INSERT INTO churn SELECT g, 0 FROM generate_series(1, 20000) g",
                "UPDATE churn SET v = v + 1", "UPDATE churn SET v = v + 1", "UPDATE churn SET v = v + 1",
                // a table a DELETE statement of the workload targets (it never matches a row)
                "CREATE TABLE victims (id int PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO victims SELECT g, 'keep' FROM generate_series(1, 1000) g",
                // shipments join orders on order_id, which has no index
                "CREATE TABLE shipments (id bigserial PRIMARY KEY, order_id bigint NOT NULL, carrier text)",
                "INSERT INTO shipments (order_id, carrier) SELECT g, 'c' || (g % 7) FROM generate_series(1, 200000) g",
                "ANALYZE orders", "ANALYZE items", "ANALYZE victims", "ANALYZE shipments",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + AdviceProfile.MONITOR,
                // EXPLAIN of a DELETE needs the DELETE privilege: the role could delete, and still nothing is executed
                "GRANT DELETE ON victims TO " + AdviceProfile.MONITOR);
        postgres.execute("advice_nohypo",
                "CREATE TABLE events (id bigserial PRIMARY KEY, device_id int NOT NULL, payload text)",
                "INSERT INTO events (device_id, payload) SELECT g % 5000, md5(g::text) FROM generate_series(1, 50000) g",
                "ANALYZE events", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + AdviceProfile.MONITOR);
        try (Connection c = postgres.connect("advice_target")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status FROM orders WHERE customer_id = ?")) {
                for (int i = 0; i < 20; i++) {
                    ps.setInt(1, i * 7);
                    ps.executeQuery().close();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT s.id, s.carrier FROM orders o "
                    + "JOIN shipments s ON s.order_id = o.id WHERE o.customer_id = ?")) {
                for (int i = 0; i < 10; i++) {
                    ps.setInt(1, i * 11);
                    ps.executeQuery().close();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM victims WHERE note IS DISTINCT FROM ?")) {
                for (int i = 0; i < 10; i++) {
                    ps.setString(1, "keep");
                    assertEquals(0, ps.executeUpdate());
                }
            }
            try (Statement st = c.createStatement()) {
                // a sort of ~300k strings spills to temp files with the default work_mem of 4MB
                for (int i = 0; i < 2; i++) {
                    st.executeQuery("SELECT md5(g::text) FROM generate_series(1, 300000) g ORDER BY 1 OFFSET 299999").close();
                }
            }
        }
        try (Connection c = postgres.connect("advice_nohypo");
             PreparedStatement ps = c.prepareStatement("SELECT payload FROM events WHERE device_id = ?")) {
            for (int i = 0; i < 10; i++) {
                ps.setInt(1, i);
                ps.executeQuery().close();
            }
        }
    }

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    private Recommendation awaitActive(String id) {
        return Awaitility.await(id).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> active(id), Optional::isPresent).orElseThrow();
    }

    private Optional<Recommendation> active(String id) {
        return store.list(TARGET, Recommendation.ACTIVE).stream().filter(r -> r.id().equals(id)).findFirst();
    }

    @Test
    @Order(1)
    void selectiveFilterOnLargeTableGetsAHypopgValidatedIndexSuggestion() {
        String id = "missing_index:advice:advice_target.public.orders:customer_id";
        Recommendation r = awaitActive(id);
        assertEquals("missing_index", r.kind());
        assertEquals("advice_target.public.orders", r.object(), "the table, as the automation service looks it up");
        assertEquals(List.of("customer_id"), r.evidence().get("columns"));
        assertEquals("CREATE INDEX CONCURRENTLY ON public.orders (customer_id)", r.suggestedAction());
        assertEquals(Boolean.TRUE, r.evidence().get("validated"), r.evidence().toString());
        double before = ((Number) r.evidence().get("plan_cost_before")).doubleValue();
        double after = ((Number) r.evidence().get("plan_cost_after")).doubleValue();
        assertTrue(after < before / 2, "HypoPG: the index must make the plan much cheaper: " + before + " -> " + after);
        assertTrue(((Number) r.evidence().get("table_rows")).longValue() >= 190_000, r.evidence().toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> statements = (List<Map<String, Object>>) r.evidence().get("statements");
        assertTrue(statements.stream().anyMatch(s -> String.valueOf(s.get("query")).contains("customer_id = $1")),
                statements.toString());
        assertTrue(r.estimatedBenefit().contains("HypoPG-validated"), r.estimatedBenefit());
        assertEquals(Risk.MEDIUM, r.risk());

        RecommendationEvent raised = events.await(60, "raised " + id,
                e -> e.recommendationId().equals(id) && e.state() == RecommendationState.RAISED);
        assertEquals(List.of("customer_id"), raised.evidence().get("columns"));
        assertEquals("advice_target", raised.database());

        // no candidate on columns an index already covers, and none for the small or unselective tables
        assertTrue(store.list(TARGET, null).stream().noneMatch(x -> x.kind().equals("missing_index")
                && x.object().endsWith(".victims")), "victims has 1000 rows: below the table-size floor");
    }

    @Test
    @Order(2)
    void aJoinOnAnUnindexedColumnOfALargeTableGetsAnIndexSuggestion() {
        Recommendation r = awaitActive("missing_index:advice:advice_target.public.shipments:order_id");
        assertEquals(List.of("order_id"), r.evidence().get("columns"));
        assertEquals("CREATE INDEX CONCURRENTLY ON public.shipments (order_id)", r.suggestedAction());
        assertEquals(Boolean.TRUE, r.evidence().get("validated"), r.evidence().toString());
        assertTrue(String.valueOf(r.evidence().get("statements")).contains("join"), r.evidence().toString());
        // orders.id is the primary key: no suggestion to index it again, alone or leading
        assertTrue(store.list(TARGET, null).stream().noneMatch(x -> x.id().startsWith(
                "missing_index:advice:advice_target.public.orders:id")));
    }

    @Test
    @Order(2)
    void withoutHypopgTheSuggestionSaysItIsUnvalidated() {
        Recommendation r = awaitActive("missing_index:advice:advice_nohypo.public.events:device_id");
        assertEquals(Boolean.FALSE, r.evidence().get("validated"));
        assertTrue(String.valueOf(r.evidence().get("validation")).contains("hypopg extension is not installed"),
                r.evidence().toString());
        assertTrue(r.estimatedBenefit().contains("unvalidated"), r.estimatedBenefit());
        assertNull(r.evidence().get("plan_cost_after"));
    }

    @Test
    @Order(3)
    void theStatementUnderAdviceIsNeverExecuted() throws SQLException {
        // the advisor prepared the DELETE (pg_stat_statements records the PREPARE) but never executed it: with the
        // NULL arguments of the generic plan it would have deleted every row
        Awaitility.await("the DELETE was planned").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> count("advice_target", "SELECT count(*) FROM pg_stat_statements WHERE query LIKE "
                        + "'PREPARE dbautopilot_advice AS DELETE FROM victims%'") > 0);
        assertEquals(1000, count("advice_target", "SELECT count(*) FROM victims"));
    }

    @Test
    @Order(4)
    void duplicateRedundantAndUnusedIndexesAreFound() {
        Recommendation dup = awaitActive("duplicate_index:advice:advice_target.public.orders_status_b");
        assertEquals("DROP INDEX CONCURRENTLY public.orders_status_b", dup.suggestedAction());
        assertEquals("public.orders_status_a", dup.evidence().get("covering_index"));
        assertTrue(dup.requiresApproval());
        assertEquals(Risk.HIGH, dup.risk());

        Recommendation prefix = awaitActive("duplicate_index:advice:advice_target.public.items_a");
        assertEquals("public.items_a_b", prefix.evidence().get("covering_index"));
        assertTrue(String.valueOf(prefix.evidence().get("reason")).contains("prefix"));

        Recommendation unused = awaitActive("unused_index:advice:advice_target.public.orders_note");
        assertEquals("DROP INDEX CONCURRENTLY public.orders_note", unused.suggestedAction());
        assertEquals(0L, ((Number) unused.evidence().get("idx_scan")).longValue());
        assertTrue(((Number) unused.evidence().get("size_bytes")).longValue() > 1_000_000, unused.evidence().toString());
        assertTrue(unused.evidence().containsKey("stats_since"));
        assertTrue(unused.evidence().containsKey("stats_age_seconds"));
        // the primary key enforces a constraint: never called unused
        assertTrue(active("unused_index:advice:advice_target.public.orders_pkey").isEmpty());
        events.await(60, "raised unused index", e -> e.recommendationId().equals(unused.id())
                && e.kind().equals("unused_index") && e.state() == RecommendationState.RAISED);
    }

    @Test
    @Order(5)
    void heavyChurnGetsVacuumAndAutovacuumSettings() {
        Recommendation vacuum = awaitActive("vacuum:advice:advice_target.public.churn");
        assertEquals("VACUUM (ANALYZE) public.churn", vacuum.suggestedAction());
        assertTrue(((Number) vacuum.evidence().get("n_dead_tup")).longValue() >= 20_000, vacuum.evidence().toString());
        assertEquals(Boolean.FALSE, vacuum.evidence().get("autovacuum_enabled"));
        assertFalse(vacuum.requiresApproval(), "vacuum is safe to automate");
        Recommendation settings = awaitActive("vacuum_settings:advice:advice_target.public.churn");
        assertTrue(settings.suggestedAction().startsWith("ALTER TABLE public.churn SET (autovacuum_vacuum_scale_factor = 0.05"),
                settings.suggestedAction());
        assertTrue(settings.suggestedAction().contains("autovacuum_enabled = true"), settings.suggestedAction());
        assertTrue(settings.requiresApproval());
    }

    @Test
    @Order(6)
    void tempFileSpillGetsAWorkMemSuggestion() {
        Recommendation r = awaitActive("config:advice:work_mem");
        long workMem = ((Number) r.evidence().get("work_mem_bytes")).longValue();
        long worst = ((Number) r.evidence().get("max_temp_bytes_per_call")).longValue();
        long suggested = ((Number) r.evidence().get("suggested_work_mem_bytes")).longValue();
        assertEquals(4L * 1024 * 1024, workMem);
        assertTrue(worst * 2 > workMem, r.evidence().toString());
        assertTrue(suggested >= worst * 2, "suggested " + suggested + " must hold twice the spill " + worst);
        assertTrue(r.suggestedAction().contains("work_mem = '" + suggested / (1024 * 1024) + "MB'"), r.suggestedAction());
        assertTrue(String.valueOf(r.evidence().get("spilling_statements")).contains("generate_series"));
    }

    @Test
    @Order(7)
    void trustLinesInPgHbaAreASecurityFinding() throws SQLException {
        Recommendation r = awaitActive("security:advice:pg_hba:trust");
        long trustLines = count("advice_target", "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'");
        assertTrue(trustLines > 0, "initdb -A trust writes trust lines");
        assertEquals(trustLines, ((Number) r.evidence().get("count")).longValue());
        assertTrue(r.suggestedAction().contains("scram-sha-256"), r.suggestedAction());
        assertTrue(r.requiresApproval());
    }

    @Test
    @Order(8)
    void theApiListsRecommendationsAndExplainsBadRequests() {
        awaitActive("vacuum:advice:advice_target.public.churn");
        RestAssured.given().get("/api/targets/" + TARGET + "/recommendations").then()
                .statusCode(200)
                .body("id", hasItem("vacuum:advice:advice_target.public.churn"))
                .body("find { it.id == 'vacuum:advice:advice_target.public.churn' }.suggested_action",
                        equalTo("VACUUM (ANALYZE) public.churn"))
                .body("find { it.id == 'vacuum:advice:advice_target.public.churn' }.requires_approval", equalTo(false));
        RestAssured.given().get("/api/targets/nowhere/recommendations").then()
                .statusCode(404).contentType("application/problem+json").body("detail", containsString("nowhere"));
        RestAssured.given().queryParam("status", "bogus").get("/api/targets/" + TARGET + "/recommendations").then()
                .statusCode(400).contentType("application/problem+json").body("detail", containsString("status"));
    }

    @Test
    @Order(9)
    void unchangedFindingsAreNotPublishedAgain() throws SQLException {
        String id = "duplicate_index:advice:advice_target.public.orders_status_b";
        awaitActive(id);
        long before = outboxRows(id);
        // several advice runs (1 s apart) later - each refreshes the evidence's observed_at - the finding is still
        // there and still announced exactly once
        java.time.Instant observed = active(id).orElseThrow().observedAt();
        Awaitility.await("later runs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> active(id).map(r -> r.observedAt().isAfter(observed.plusSeconds(3))).orElse(false));
        assertEquals(1, before, "raised once");
        assertEquals(before, outboxRows(id), "no new event for an unchanged finding");
    }

    @Test
    @Order(10)
    void aFindingThatDisappearsIsWithdrawn() throws SQLException {
        String vacuum = "vacuum:advice:advice_target.public.churn";
        String duplicate = "duplicate_index:advice:advice_target.public.orders_status_b";
        awaitActive(vacuum);
        awaitActive(duplicate);
        postgres.execute("advice_target", "VACUUM (ANALYZE) churn", "DROP INDEX orders_status_b");
        Awaitility.await("withdrawn").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> active(vacuum).isEmpty() && active(duplicate).isEmpty());
        Recommendation withdrawn = store.list(TARGET, Recommendation.WITHDRAWN).stream()
                .filter(r -> r.id().equals(vacuum)).findFirst().orElseThrow();
        assertTrue(withdrawn.withdrawnReason().contains("vacuum advisor"), withdrawn.withdrawnReason());
        RecommendationEvent event = events.await(60, "withdrawn " + vacuum,
                e -> e.recommendationId().equals(vacuum) && e.state() == RecommendationState.WITHDRAWN);
        assertNull(event.suggestedAction());
        events.await(60, "withdrawn " + duplicate,
                e -> e.recommendationId().equals(duplicate) && e.state() == RecommendationState.WITHDRAWN);
        // the withdrawal is remembered: later runs neither re-raise nor withdraw it again
        long rows = outboxRows(vacuum);
        String unused = "unused_index:advice:advice_target.public.orders_note";
        java.time.Instant observed = active(unused).orElseThrow().observedAt();
        Awaitility.await("later runs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> active(unused).map(r -> r.observedAt().isAfter(observed.plusSeconds(3))).orElse(false));
        assertEquals(rows, outboxRows(vacuum));
        assertTrue(active(vacuum).isEmpty());
        RestAssured.given().queryParam("status", "withdrawn").get("/api/targets/" + TARGET + "/recommendations").then()
                .statusCode(200).body("id", hasItem(vacuum));
    }

    @Test
    @Order(11)
    void advisorsWaitForAFreeConnectionWithinTheTargetsCap() throws InterruptedException {
        TargetRuntime advice = targets.get(TARGET).orElseThrow();
        int taken = 0;
        try {
            // every connection beside the collector's pooled one, once the collector and advisors give them back
            for (int i = 0; i < advice.config().maxConnections() - 1; i++) {
                assertTrue(advice.takeConnection(Duration.ofSeconds(60)));
                taken++;
            }
            TargetSessions.NoConnectionException e = assertThrows(TargetSessions.NoConnectionException.class,
                    () -> sessions.inDatabase(advice, "advice_target", c -> 1));
            assertTrue(e.getMessage().contains("max-connections"), e.getMessage());
            // the collector shares the cap: its visit of the database beside the main one is skipped, not added
            java.time.Instant held = java.time.Instant.now();
            Awaitility.await("collector skips for lack of a connection").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> latest.latest(TARGET).filter(snap -> snap.collectedAt().isAfter(held))
                            .flatMap(snap -> snap.families().stream().filter(f -> f.family().equals("tables")).findFirst())
                            .map(f -> String.valueOf(f.detail()).contains("connection cap of 3 reached")).orElse(false));
        } finally {
            for (int i = 0; i < taken; i++) {
                advice.returnConnection();
            }
        }
    }

    @Test
    @Order(12)
    void requestedCheckpointsGetAMaxWalSizeSuggestion() throws SQLException {
        // a manual CHECKPOINT counts as requested (checkpoints_req), as one forced by a full max_wal_size does
        long before = count("advice_target", "SELECT checkpoints_req FROM pg_stat_bgwriter");
        for (int i = 0; i < 6; i++) {
            postgres.execute("advice_target", "CHECKPOINT");
        }
        // earlier tests' checkpoints may have made it active already: wait for the evidence of these six
        String id = "config:advice:max_wal_size";
        Recommendation r = Awaitility.await(id).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> active(id), a -> a.isPresent()
                        && ((Number) a.get().evidence().get("checkpoints_req")).longValue() >= before + 6)
                .orElseThrow();
        long requested = ((Number) r.evidence().get("checkpoints_req")).longValue();
        long timed = ((Number) r.evidence().get("checkpoints_timed")).longValue();
        assertTrue(requested >= 6 && requested > timed, r.evidence().toString());
        long maxWal = ((Number) r.evidence().get("max_wal_size_bytes")).longValue();
        assertTrue(r.suggestedAction().contains("max_wal_size = '" + maxWal * 2 / (1024 * 1024) + "MB'"),
                r.suggestedAction());
    }

    @Test
    @Order(13)
    void createOnASchemaForEveryRoleIsASecurityFindingUntilRevoked() {
        String id = "security:advice:advice_nohypo.public:schema_create";
        postgres.execute("advice_nohypo", "GRANT CREATE ON SCHEMA public TO PUBLIC");
        Recommendation r = awaitActive(id);
        assertEquals("REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC", r.suggestedAction());
        assertEquals("advice_nohypo", r.database());
        postgres.execute("advice_nohypo", "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        Awaitility.await("withdrawn").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> active(id).isEmpty());
        events.await(60, "withdrawn " + id, e -> e.recommendationId().equals(id)
                && e.state() == RecommendationState.WITHDRAWN);
    }

    private long count(String database, String sql) throws SQLException {
        try (Connection c = postgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long outboxRows(String id) throws SQLException {
        try (Connection c = state.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM performance.recommendation_outbox WHERE recommendation_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
