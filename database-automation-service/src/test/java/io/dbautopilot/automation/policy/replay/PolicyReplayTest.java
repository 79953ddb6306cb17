package io.dbautopilot.automation.policy.replay;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Topics;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.fleet.TargetWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Policy replay end to end: real anomaly events and a recommendation go through the real broker and the real intake (target in trust
 * observe, so the actual decisions are recorded as would_run), then the current, a stricter and a looser policy are
 * replayed over the period: the per-rule counts and the differing events are what each policy implies, no operation
 * or event is created by a replay, and no statement ran on the target for it.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PolicyReplayTest {

    private static final String OPERATOR = "operator-secret-1";
    private static final String TARGET_DB = "demo_target";

    private static final String STRICTER = """
            rules:
              - name: dead-tuples-critical
                match: { rule: dead_tuples, min_severity: critical }
                operation: vacuum
                mode: approval
              - name: stale-statistics
                match: { rule: table_not_analyzed }
                operation: analyze
                mode: "off"  # quoted: YAML 1.1 reads a bare off as false
            """;

    private static final String LOOSER = """
            rules:
              - name: dead-tuples
                match: { rule: dead_tuples }
                operation: vacuum
                mode: auto
              - name: stale-statistics
                match: { rule: table_not_analyzed }
                operation: analyze
                mode: auto
              - name: runaway-query
                match: { rule: long_running_query }
                operation: cancel_query
                mode: auto
                limit: 1s
              - name: heavy-scans
                match: { rule: seq_scan_heavy }
                operation: analyze
                mode: auto
            """;

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    TargetWriter writer;

    @Inject
    ManagedDatabases databases;

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String role = "replay_" + suffix;
    private final String password = "pw-" + UUID.randomUUID();
    private final String id = "replay-" + suffix;
    private Path secret;
    private KafkaProducer<String, String> producer;

    @BeforeEach
    void open() throws Exception {
        secret = Files.createTempFile("replay-target", ".pw");
        Files.writeString(secret, password + "\n");
        postgres.execute(TARGET_DB, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'",
                "GRANT CONNECT ON DATABASE " + TARGET_DB + " TO " + role);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterEach
    void close() throws Exception {
        producer.close();
        writer.remove(id);
        Files.deleteIfExists(secret);
    }

    @Test
    void replayingStricterAndLooserPoliciesCountsPerRuleAndRunsNothing() throws Exception {
        writer.put(new TargetDefinition(id, Engine.POSTGRESQL, postgres.uri(TARGET_DB), role, "file:" + secret,
                Map.of(), null, TargetDefinition.Automation.DEFAULTS, Trust.OBSERVE, "api", null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.exists(id) && databases.trust(id) == Trust.OBSERVE);
        Instant from = Instant.now().minusSeconds(2);

        // what the test policy does with them: dead-tuples (window), dead-tuples-critical (auto), runaway-query
        // (approval), stale-statistics (auto), and no rule for seq_scan_heavy
        String warning = publish("dead_tuples", "public.t1", Severity.WARNING);
        String critical = publish("dead_tuples", "public.t2", Severity.CRITICAL);
        String runaway = publish("long_running_query", null, Severity.WARNING);
        String stale = publish("table_not_analyzed", "public.t3", Severity.WARNING);
        String scans = publish("seq_scan_heavy", "public.t5", Severity.WARNING);
        // and a recommendation: missing-index (approval) in the test policy, no rule for it in the candidates
        String index = recommend("missing_index", "public.t6", List.of("a"));
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM automation.processed_event WHERE subject = ?", id) == 6);
        assertEquals(5, count("SELECT count(*) FROM automation.operation WHERE target_id = ? AND status = 'would_run'", id));
        Instant to = Instant.now().plusSeconds(2);
        Map<String, Long> before = stateCounts();
        long statementsBefore = statementsByRole();

        JsonPath current = simulate("current", from, to).statusCode(200).extract().jsonPath();
        assertEquals(6, current.getInt("events"));
        assertEquals(0, current.getInt("changed"), current.prettify());
        assertEquals(List.of(id), current.getList("targets.target"));
        assertEquals("observe", current.getString("targets[0].trust"));
        assertEquals(Map.of("dead-tuples-critical", List.of(1, 1), "dead-tuples", List.of(1, 1),
                "stale-statistics", List.of(1, 1), "runaway-query", List.of(1, 1), "(none)", List.of(1, 1),
                "missing-index", List.of(1, 1)), counts(current));
        assertEquals("create_index", rule(current, "missing-index").get("operation"));
        assertEquals("approval", rule(current, "missing-index").get("mode"));
        assertEquals("window", rule(current, "dead-tuples").get("mode"));
        assertEquals("vacuum", rule(current, "dead-tuples").get("operation"));

        JsonPath stricter = simulate(STRICTER, from, to).statusCode(200).extract().jsonPath();
        assertEquals("candidate", stricter.getString("policy"));
        assertEquals(5, stricter.getInt("changed"), stricter.prettify());
        assertEquals(Map.of("dead-tuples-critical", List.of(1, 1), "stale-statistics", List.of(0, 1),
                "(none)", List.of(5, 1), "dead-tuples", List.of(0, 1), "runaway-query", List.of(0, 1),
                "missing-index", List.of(0, 1)), counts(stricter));
        assertEquals("not_in_policy", rule(stricter, "dead-tuples").get("decision"));
        assertEquals("off", rule(stricter, "stale-statistics").get("mode"));
        assertEquals(4, rule(stricter, "(none)").get("difference"));
        assertEquals(null, change(stricter, index).get("simulated"));
        assertEquals("missing-index", ((Map<?, ?>) change(stricter, index).get("actual")).get("rule"));
        assertEquals("would_run", ((Map<?, ?>) change(stricter, index).get("actual")).get("status"));
        Map<String, Object> criticalChange = change(stricter, critical);
        assertEquals("approval", ((Map<?, ?>) criticalChange.get("simulated")).get("mode"));
        assertEquals("auto", ((Map<?, ?>) criticalChange.get("actual")).get("mode"));
        assertEquals("would_run", ((Map<?, ?>) criticalChange.get("actual")).get("status"));
        assertEquals(null, change(stricter, warning).get("simulated"));
        assertEquals("dead-tuples", ((Map<?, ?>) change(stricter, warning).get("actual")).get("rule"));
        assertEquals(List.of(warning, critical, runaway, stale, index), stricter.getList("targets[0].changes.event_id"));

        JsonPath looser = simulate(LOOSER, from, to).statusCode(200).extract().jsonPath();
        assertEquals(5, looser.getInt("changed"), looser.prettify());
        assertEquals(Map.of("dead-tuples", List.of(2, 1), "stale-statistics", List.of(1, 1),
                "runaway-query", List.of(1, 1), "heavy-scans", List.of(1, 0), "(none)", List.of(1, 1),
                "dead-tuples-critical", List.of(0, 1), "missing-index", List.of(0, 1)), counts(looser));
        assertEquals(List.of(warning, critical, runaway, scans, index), looser.getList("targets[0].changes.event_id"));
        assertEquals("auto", ((Map<?, ?>) change(looser, runaway).get("simulated")).get("mode"));
        assertEquals("approval", ((Map<?, ?>) change(looser, runaway).get("actual")).get("mode"));
        assertEquals(null, change(looser, scans).get("actual"));

        // a period before the events replays nothing
        simulate(LOOSER, from.minusSeconds(3600), from).statusCode(200).body("events", org.hamcrest.Matchers.equalTo(0));

        // nothing was created, published or run by any replay
        assertEquals(before, stateCounts());
        assertEquals(statementsBefore, statementsByRole(), "no statement by the target's role");
        assertEquals(0L, count0(TARGET_DB, "SELECT count(*) FROM pg_stat_activity WHERE usename = ?", role));

        // bad input: problem documents naming what is wrong
        simulate(STRICTER.replace("mode: approval", "mode: sometimes"), from, to).statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("rules[0] ('dead-tuples-critical'): field 'mode': unknown mode 'sometimes'"));
        simulate("rules:\n  - name: x\n    match: { rule: [unclosed\n", from, to).statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("line"));
        given().header("X-API-Key", OPERATOR).contentType("application/json")
                .body(Map.of("policy", "current", "since", "yesterday")).post("/api/policies/simulate").then()
                .statusCode(400).contentType("application/problem+json").body("detail", containsString("'since'"));
        given().header("X-API-Key", "viewer-secret-1").contentType("application/json")
                .body(Map.of("policy", "current")).post("/api/policies/simulate").then().statusCode(403);
        assertEquals(before, stateCounts());
    }

    private io.restassured.response.ValidatableResponse simulate(String policy, Instant from, Instant to) {
        return given().header("X-API-Key", OPERATOR).contentType("application/json")
                .body(Map.of("policy", policy, "from", from.toString(), "to", to.toString(), "target", id))
                .post("/api/policies/simulate").then();
    }

    /** rule -> [simulated, actual] of the only target. */
    private static Map<String, List<Integer>> counts(JsonPath result) {
        Map<String, List<Integer>> out = new HashMap<>();
        List<Map<String, Object>> rules = result.getList("targets[0].rules");
        for (Map<String, Object> r : rules) {
            out.put((String) r.get("rule"), List.of((Integer) r.get("simulated"), (Integer) r.get("actual")));
        }
        return out;
    }

    private static Map<String, Object> rule(JsonPath result, String name) {
        List<Map<String, Object>> rules = result.getList("targets[0].rules");
        return rules.stream().filter(r -> name.equals(r.get("rule"))).findFirst().orElseThrow();
    }

    private static Map<String, Object> change(JsonPath result, String eventId) {
        List<Map<String, Object>> changes = result.getList("targets[0].changes");
        return changes.stream().filter(c -> eventId.equals(c.get("event_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no change for " + eventId + " in " + result.prettify()));
    }

    private String publish(String rule, String object, Severity severity) throws Exception {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent event = new AnomalyEvent(rule + ":" + id + ":" + object + ":" + eventId, id, rule, object, severity,
                AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), null, rule + " on " + object);
        return send(Topics.ANOMALIES, EventTypes.ANOMALY_OPENED, eventId, EventJson.newMapper().writeValueAsString(event));
    }

    private String recommend(String kind, String object, List<String> columns) throws Exception {
        RecommendationEvent event = new RecommendationEvent(kind + ":" + id + ":" + object, id, TARGET_DB, object, kind,
                RecommendationState.RAISED, Instant.now(), Map.of("columns", columns), null, "fewer sequential scans",
                Risk.LOW, false, kind + " on " + object);
        return send(Topics.RECOMMENDATIONS, EventTypes.RECOMMENDATION_RAISED, UUID.randomUUID().toString(),
                EventJson.newMapper().writeValueAsString(event));
    }

    /** Publishes a binary-mode CloudEvent of the performance service for the target; returns its id. */
    private String send(String topic, String type, String eventId, String json) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, id, json);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", id.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
        return eventId;
    }

    private Map<String, Long> stateCounts() throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (String table : List.of("operation", "outbox", "anomaly")) {
            out.put(table, count("SELECT count(*) FROM automation." + table + " WHERE target_id = ?", id));
        }
        out.put("processed_event", count("SELECT count(*) FROM automation.processed_event WHERE subject = ?", id));
        return out;
    }

    private long count(String sql, Object param) throws Exception {
        return count0("autopilot_state", sql, param);
    }

    private long count0(String db, String sql, Object param) throws Exception {
        try (Connection c = postgres.connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long statementsByRole() throws Exception {
        return count0(TARGET_DB, """
                SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
                 WHERE r.rolname = ?""", role);
    }
}
