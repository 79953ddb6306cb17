package io.dbautopilot.performance.detect;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.detect.forecast.ForecastDetector;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.detect.lifecycle.UnacknowledgedEscalation;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import io.dbautopilot.performance.detect.rules.MetricFamilies;
import io.dbautopilot.performance.detect.rules.RuleEvaluator;
import io.dbautopilot.performance.detect.statistical.StatisticalDetector;
import io.dbautopilot.performance.detect.suppression.MaintenanceWindows;
import io.dbautopilot.performance.detect.suppression.OperationCorrelation;
import io.dbautopilot.performance.detect.suppression.SilenceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection end to end on the throwaway cluster and the embedded broker: real conditions → anomaly state in the
 * state database → outbox → CloudEvents on {@code autopilot.anomalies.v1}; the API; a restarted detector.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AnomalyDetectionTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricCatalog catalog;

    @Inject
    AnomalyStore store;

    @Inject
    DetectionConfig config;

    @Inject
    io.dbautopilot.performance.engine.Engines engines;

    @Inject
    io.dbautopilot.performance.collect.TargetRegistry registry;

    @Inject
    MeterRegistry meters;

    @Inject
    AgroalDataSource state;

    @Inject
    MetricFamilies families;

    @Inject
    SilenceStore silences;

    @Inject
    StatisticalDetector statistical;

    @Inject
    ForecastDetector forecasts;

    @Inject
    MaintenanceWindows windows;

    @Inject
    UnacknowledgedEscalation escalation;

    @Inject
    OperationCorrelation correlation;

    @Test
    void everyMetricOfARealSnapshotIsInTheCatalog() {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS detect_catalog(id serial PRIMARY KEY, v int)",
                "CREATE SEQUENCE IF NOT EXISTS detect_catalog_seq", "SELECT nextval('detect_catalog_seq')",
                "INSERT INTO detect_catalog(v) SELECT g FROM generate_series(1, 100) g", "ANALYZE detect_catalog");
        Set<String> names = new TreeSet<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            latest.current("demo").forEach(p -> names.add(p.name()));
            return names.stream().anyMatch(n -> n.startsWith("pg_settings_"))
                    && names.contains("pg_stat_user_tables_n_dead_tup") && names.contains("pg_stat_statements_calls")
                    && names.contains("pg_sequence_used_ratio") && names.contains("host_cpu_count")
                    && names.contains("pg_stat_database_tps") && names.contains("pg_stat_user_indexes_idx_scan");
        });
        List<String> missing = names.stream().filter(n -> !catalog.contains(n)).toList();
        assertEquals(List.of(), missing, "emitted but not in metrics-catalog.txt");
        assertTrue(names.size() > 150, "a real snapshot has many metrics: " + names.size());
    }

    @Test
    void deadTuplesOpenWithEvidenceOnTheTopicAndVacuumResolves() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS detect_dead",
                "CREATE TABLE detect_dead(id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)",
                "INSERT INTO detect_dead SELECT g, repeat('x', 50) FROM generate_series(1, 2000) g",
                "DELETE FROM detect_dead WHERE id > 100");
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            AnomalyEvent opened = events.await(60, "dead_tuples opened", r -> "demo".equals(r.key())
                    && r.event().detector().equals("dead_tuples") && r.event().state() == AnomalyState.OPENED
                    && "demo_target.public.detect_dead".equals(r.event().object())).event();
            assertEquals("vacuum", opened.suggestedAction());
            assertEquals(Severity.WARNING, opened.severity());
            assertEquals(1900.0, opened.evidence().get("pg_stat_user_tables_n_dead_tup"));
            assertEquals(0.95, opened.evidence().get("value"), 0.001);
            assertEquals(AnomalyLifecycle.fingerprint("dead_tuples", "demo", "demo_target.public.detect_dead"),
                    opened.fingerprint());
            assertTrue(opened.summary().contains("demo/demo_target.public.detect_dead"), opened.summary());

            postgres.execute("demo_target", "VACUUM detect_dead");
            AnomalyEvent resolved = events.await(60, "dead_tuples resolved", r -> "demo".equals(r.key())
                    && r.event().fingerprint().equals(opened.fingerprint())
                    && r.event().state() == AnomalyState.RESOLVED).event();
            assertTrue(resolved.sequence() > opened.sequence());
            assertEquals(opened.openedAt(), resolved.openedAt());
            AnomalyRecord stored = store.get(opened.fingerprint()).orElseThrow();
            assertEquals(AnomalyStatus.RESOLVED, stored.status());
            assertEquals(resolved.sequence(), stored.lastSequence());
        }
        assertTrue(meters.find("autopilot_anomalies_opened_total").tag("rule", "dead_tuples").counter().count() >= 1);
    }

    @Test
    void idleInTransactionOpensAfterItsForDurationAndResolvesOnCommit() throws Exception {
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers());
             Connection c = postgres.connect("demo_target")) {
            Instant before = Instant.now();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            AnomalyEvent opened = events.await(60, "idle_in_transaction opened", r -> "demo".equals(r.key())
                    && r.event().detector().equals("idle_in_transaction") && r.event().state() == AnomalyState.OPENED
                    && r.event().occurredAt().isAfter(before)).event();
            assertEquals("terminate_idle", opened.suggestedAction());
            assertNull(opened.object());
            assertTrue(opened.evidence().get("value") > 2, opened.evidence().toString());
            assertTrue(Duration.between(before, opened.occurredAt()).toMillis() >= 3000,
                    "2 s over the threshold plus 1 s 'for': " + Duration.between(before, opened.occurredAt()));
            c.commit();
            events.await(60, "idle_in_transaction resolved", r -> "demo".equals(r.key())
                    && r.event().fingerprint().equals(opened.fingerprint()) && r.event().state() == AnomalyState.RESOLVED);
        }
    }

    @Test
    void aFailedConcurrentUniqueIndexBuildOpensInvalidIndexAndDroppingItResolves() throws Exception {
        postgres.execute("demo_target", "DROP TABLE IF EXISTS detect_dup", "CREATE TABLE detect_dup(v int)",
                "INSERT INTO detect_dup VALUES (1), (1), (2)");
        SQLException failed = assertThrows(SQLException.class, () -> {
            try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement()) {
                st.execute("CREATE UNIQUE INDEX CONCURRENTLY detect_dup_v ON detect_dup(v)");
            }
        });
        assertTrue(failed.getMessage().contains("could not create unique index"), failed.getMessage());
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            AnomalyEvent opened = events.await(60, "invalid_index opened", r -> "demo".equals(r.key())
                    && r.event().detector().equals("invalid_index") && r.event().state() == AnomalyState.OPENED
                    && "demo_target.public.detect_dup_v".equals(r.event().object())).event();
            assertEquals("drop_index", opened.suggestedAction());
            postgres.execute("demo_target", "DROP INDEX detect_dup_v");
            events.await(60, "invalid_index resolved", r -> r.event().fingerprint().equals(opened.fingerprint())
                    && r.event().state() == AnomalyState.RESOLVED);
        }
    }

    @Test
    void anUnreachableTargetOpensTargetDownOnceAndARestartedDetectorDoesNotReopenIt() throws Exception {
        String fp = AnomalyLifecycle.fingerprint("target_down", "offline", null);
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            AnomalyEvent opened = events.await(60, "target_down opened for offline", r -> "offline".equals(r.key())
                    && r.event().detector().equals("target_down") && r.event().state() == AnomalyState.OPENED).event();
            assertEquals(fp, opened.fingerprint());
            assertEquals(Severity.CRITICAL, opened.severity());
            assertEquals(0.0, opened.evidence().get("pg_up"));
        }
        int before = outboxRows("offline", fp);
        assertEquals(1, before, "opened once, however many cycles saw the target down");

        // A fresh detector (new evaluator and lifecycle, as after a restart) reads the open anomaly from the store.
        AnomalyDetector restarted = new AnomalyDetector(config, engines, registry, new RuleEvaluator(), new AnomalyLifecycle(),
                store, latest, meters, families, silences, statistical, forecasts, windows, escalation, correlation);
        assertEquals(List.of(), restarted.detect("offline", List.of(MetricPoint.of("pg_up", 0)), Instant.now()));
        Thread.sleep(2500); // more cycles of the running detector
        assertEquals(before, outboxRows("offline", fp), "no duplicate 'opened'");
        assertEquals(AnomalyStatus.OPEN, store.get(fp).orElseThrow().status());
    }

    @Test
    void sequencesArePerTargetGaplessAndEveryOutboxRowIsSent() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !sequences("offline").isEmpty());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> unsent() == 0);
        for (String target : List.of("offline", "demo")) {
            List<Long> seq = sequences(target);
            for (int i = 0; i < seq.size(); i++) {
                assertEquals(i + 1L, seq.get(i), target + " sequences " + seq);
            }
        }
    }

    @Test
    void theApiListsFiltersShowsAndAcknowledgesAnomaliesWithProblemsForBadRequests() {
        String fp = AnomalyLifecycle.fingerprint("target_down", "offline", null);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> store.get(fp)
                .filter(r -> r.status() == AnomalyStatus.OPEN).isPresent());
        RestAssured.given().queryParam("target", "offline").queryParam("state", "open").queryParam("severity", "critical")
                .get("/api/anomalies").then().statusCode(200).contentType(ContentType.JSON)
                .body("fingerprint", hasItem(fp)).body("target_id", hasItem("offline"));
        RestAssured.given().queryParam("target", "offline").queryParam("severity", "info")
                .get("/api/anomalies").then().statusCode(200).body("size()", equalTo(0));
        RestAssured.get("/api/anomalies/{fp}", fp).then().statusCode(200)
                .body("rule", equalTo("target_down")).body("status", equalTo("open"))
                .body("suggested_action", equalTo("investigate")).body("evidence.pg_up", equalTo(0.0f));
        RestAssured.given().contentType(ContentType.JSON).body("{\"by\": \"alice\"}")
                .post("/api/anomalies/{fp}/ack", fp).then().statusCode(200)
                .body("acknowledged_by", equalTo("alice"));
        assertEquals("alice", store.get(fp).orElseThrow().acknowledgedBy());

        RestAssured.get("/api/anomalies/{fp}", "nope").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("nope"));
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/api/anomalies/{fp}/ack", "nope")
                .then().statusCode(404).contentType("application/problem+json");
        RestAssured.given().queryParam("state", "bogus").get("/api/anomalies").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("pending, open or resolved"));
        RestAssured.given().queryParam("severity", "bogus").get("/api/anomalies").then().statusCode(400)
                .contentType("application/problem+json");
    }

    private int outboxRows(String target, String fp) throws SQLException {
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM performance.anomaly_outbox WHERE target_id = ? AND fingerprint = ? "
                        + "AND event_type = 'io.dbautopilot.anomaly.opened.v1'")) {
            st.setString(1, target);
            st.setString(2, fp);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private List<Long> sequences(String target) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT sequence FROM performance.anomaly_outbox WHERE target_id = ? ORDER BY sequence")) {
            st.setString(1, target);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private long unsent() throws SQLException {
        try (Connection c = state.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM performance.anomaly_outbox WHERE sent_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
