package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Post-operation verification against real PostgreSQL (pg_stat_statements) and the real broker: a create_index whose
 * statements became faster is kept (verdict confirmed); one whose statements did not speed up is dropped by a rollback
 * operation (DROP INDEX CONCURRENTLY of exactly that index) whose events, linked to the original, are on
 * autopilot.operations.v1; so is one that slowed the table's writes past the threshold; a verification left in the
 * state database by an earlier process is carried out; an index replaced since the build is neither judged nor dropped.
 */
@QuarkusTest
@TestProfile(VerificationTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PostOperationVerificationTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    private OperationsTestSupport support;

    @BeforeEach
    void open() {
        support = new OperationsTestSupport(kafka, postgres);
    }

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void anIndexThatSpeedsUpItsStatementsIsKept() throws Exception {
        String table = table("kept");
        String lookup = "SELECT count(*) FROM public." + table + " WHERE customer = ?";
        run(lookup, 20);
        UUID id = createIndexFor(table, "customer", queryid(table));
        // index scans within the verification window: enough of them (a few ms in all) that one pause of the process
        // on a busy machine cannot make their mean look like a sequential scan
        run(lookup, 200);

        JsonNode verified = support.last(id, "verified");
        assertEquals("confirmed", verified.path("details").path("verdict").asText(), verified.toString());
        assertTrue(verified.path("details").path("measured").path("read_improvement").asDouble() >= 0.8,
                verified.toString());
        assertNotNull(indexOid(table + "_customer_idx"), "the index is kept");
        assertEquals("confirmed", support.stateValue(
                "SELECT status FROM automation.verification WHERE operation_id = ?", id));
        assertNull(support.stateValue(
                "SELECT rollback_operation_id FROM automation.verification WHERE operation_id = ?", id));
    }

    @Test
    void anIndexThatDoesNotSpeedUpItsStatementsIsDroppedAndTheRollbackPublished() throws Exception {
        String table = table("dropped");
        String lookup = "SELECT count(*) FROM public." + table + " WHERE customer = ?";
        run(lookup, 20);
        // the recommendation names the lookups, but the index is on another column: they stay sequential scans
        UUID id = createIndexFor(table, "pad", queryid(table));
        Long created = indexOid(table + "_pad_idx");
        assertNotNull(created, "the index was built");
        run(lookup, 20);

        JsonNode verified = support.last(id, "verified");
        JsonNode details = verified.path("details");
        assertEquals("regressed", details.path("verdict").asText(), verified.toString());
        assertTrue(verified.path("reason").asText().contains("did not speed up"), verified.toString());
        UUID rollback = UUID.fromString(details.path("rollback_operation_id").asText());

        JsonNode requested = support.last(rollback, "requested");
        assertEquals("drop_index", requested.path("type").asText());
        assertEquals(id.toString(), requested.path("details").path("parameters").path("rollback_of").asText());
        assertEquals(created.longValue(), requested.path("details").path("parameters").path("index_oid").asLong());
        JsonNode succeeded = support.last(rollback, "succeeded");
        assertEquals("DROP INDEX CONCURRENTLY public." + table + "_pad_idx",
                succeeded.path("details").path("effect").path("statement").asText());
        assertNull(indexOid(table + "_pad_idx"), "the index it created is gone");
        assertEquals(rollback, support.stateValue(
                "SELECT rollback_operation_id FROM automation.verification WHERE operation_id = ?", id));
    }

    @Test
    void anIndexThatSlowsTheTablesWritesPastTheThresholdIsDropped() throws Exception {
        String table = table("writes");
        String lookup = "SELECT count(*) FROM public." + table + " WHERE customer = ?";
        String insert = "INSERT INTO public." + table + " SELECT g, g % 5000, md5(g::text) || md5((g + 1)::text) "
                + "FROM generate_series(? * 1000 + 200000, ? * 1000 + 200999) g";
        run(lookup, 20);
        runInserts(insert, 0, 100); // a second or so of inserts on each side: a burst of noise cannot cover either
        // the index helps the lookups, but every insert now also maintains a wide index on random text
        UUID id = createIndexFor(table, List.of("customer", "pad"), queryid(table));
        run(lookup, 20);
        runInserts(insert, 100, 100);

        JsonNode verified = support.last(id, "verified");
        JsonNode details = verified.path("details");
        assertEquals("regressed", details.path("verdict").asText(), verified.toString());
        assertTrue(verified.path("reason").asText().contains("writes slowed past the threshold"), verified.toString());
        assertTrue(details.path("measured").path("write_slowdown").asDouble() > 0.1, verified.toString());
        UUID rollback = UUID.fromString(details.path("rollback_operation_id").asText());
        support.last(rollback, "succeeded");
        assertNull(indexOid(table + "_customer_pad_idx"), "the index was dropped again");
    }

    @Test
    void aVerificationLeftByAnEarlierProcessIsCarriedOut() throws Exception {
        // as a previous instance would have left it: a succeeded create_index with its baseline, not yet verified
        String table = table("restart");
        String lookup = "SELECT count(*) FROM public." + table + " WHERE customer = ?";
        run(lookup, 10);
        String queryid = queryid(table);
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE INDEX " + table + "_pad_idx ON public." + table + " (pad)");
        long oid = indexOid(table + "_pad_idx");
        Map<String, Object> calls = lookupCounters(queryid);
        run(lookup, 10);
        UUID id = seedSucceededCreateIndex(table, queryid, calls, oid);

        JsonNode verified = support.last(id, "verified");
        assertEquals("regressed", verified.path("details").path("verdict").asText(), verified.toString());
        UUID rollback = UUID.fromString(verified.path("details").path("rollback_operation_id").asText());
        support.last(rollback, "succeeded");
        assertNull(indexOid(table + "_pad_idx"), "the recorded index was dropped");
    }

    @Test
    void anIndexReplacedSinceTheBuildIsNeitherJudgedNorDropped() throws Exception {
        // the recorded index was dropped and another one took its name: not the object the operation created
        String table = table("replaced");
        String lookup = "SELECT count(*) FROM public." + table + " WHERE customer = ?";
        run(lookup, 10);
        String queryid = queryid(table);
        String index = table + "_pad_idx";
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE INDEX " + index + " ON public." + table + " (pad)");
        long created = indexOid(index);
        Map<String, Object> calls = lookupCounters(queryid);
        postgres.execute(OperationsTestSupport.TARGET_DB, "DROP INDEX public." + index,
                "CREATE INDEX " + index + " ON public." + table + " (pad)");
        long replacement = indexOid(index);
        assertTrue(created != replacement);
        run(lookup, 10);
        UUID id = seedSucceededCreateIndex(table, queryid, calls, created);

        JsonNode verified = support.last(id, "verified");
        assertEquals("inconclusive", verified.path("details").path("verdict").asText(), verified.toString());
        assertTrue(verified.path("reason").asText().contains("no longer there as created"), verified.toString());
        assertTrue(verified.path("details").path("rollback_operation_id").isMissingNode(), verified.toString());
        assertEquals(replacement, indexOid(index), "the index that took the name is left alone");
        assertEquals(0L, ((Number) support.stateValue("SELECT count(*) FROM automation.operation "
                + "WHERE parameters->>'rollback_of' = ?", id.toString())).longValue());
    }

    /** Stores a succeeded create_index with its baseline, as an earlier process would have left it. */
    private UUID seedSucceededCreateIndex(String table, String queryid, Map<String, Object> calls, long oid)
            throws Exception {
        UUID id = UUID.randomUUID();
        String baseline = EventJson.newMapper().writeValueAsString(Map.of("verification", Map.of(
                "expected_effect", OperationType.CREATE_INDEX.expectedEffect(),
                "queryids", List.of(queryid), "reads", Map.of(queryid, calls), "writes", Map.of(),
                "table", "public." + table, "index", "public." + table + "_pad_idx", "index_oid", oid)));
        try (Connection c = support.state(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO automation.operation (id, target_id, type, object, heavy, mode, status, requested_by,
                       parameters, reason, max_attempts, attempts, started_at, finished_at, result)
                VALUES (?, 'demo', 'create_index', ?, true, 'auto', 'succeeded', 'policy', '{}'::jsonb,
                        'left by an earlier process', 3, 1, now() - interval '1 minute', now() - interval '1 minute',
                        ?::jsonb)""")) {
            ps.setObject(1, id);
            ps.setString(2, "public." + table);
            ps.setString(3, baseline);
            ps.executeUpdate();
        }
        return id;
    }

    /** A table of 100,000 rows without index on customer or pad. */
    private String table(String what) {
        String table = "verify_" + what + "_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int PRIMARY KEY, customer int, pad text)",
                "INSERT INTO public." + table + " SELECT g, g % 5000, md5(g::text) FROM generate_series(1, 100000) g",
                "VACUUM ANALYZE public." + table, // hint bits set: the first scan is not slower than the others
                // the bulk insert and VACUUM went through ring buffers: a plain scan brings the table into shared
                // buffers, as the index build would later, so the lookups' mean before is not inflated by reads
                "SELECT count(*) FROM public." + table);
        return table;
    }

    /** Publishes a missing_index recommendation for the statements, approves the create_index and awaits its success. */
    private UUID createIndexFor(String table, String column, String queryid) throws Exception {
        return createIndexFor(table, List.of(column), queryid);
    }

    private UUID createIndexFor(String table, List<String> columns, String queryid) throws Exception {
        String eventId = UUID.randomUUID().toString();
        RecommendationEvent event = new RecommendationEvent("missing_index:demo:public." + table, "demo", "demo_target",
                "public." + table, "missing_index", RecommendationState.RAISED, Instant.now(),
                Map.of("columns", columns, "statements", List.of(Map.of("queryid", Long.parseLong(queryid),
                        "calls", 20))), null, "fewer sequential scans", Risk.LOW, false, "missing index on " + table);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class))) {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.RECOMMENDATIONS, "demo",
                    EventJson.newMapper().writeValueAsString(event));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", EventTypes.RECOMMENDATION_RAISED.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_subject", "demo".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> support.operationFor(eventId) != null);
        UUID id = support.operationFor(eventId);
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/approve")
                .then().statusCode(200);
        JsonNode succeeded = support.last(id, "succeeded");
        JsonNode verification = succeeded.path("details").path("effect").path("verification");
        assertEquals(List.of(queryid), List.of(verification.path("queryids").path(0).asText()), succeeded.toString());
        assertTrue(verification.path("reads").path(queryid).path("calls").asLong() >= 10, succeeded.toString());
        return id;
    }

    private void run(String sql, int times) throws Exception {
        try (Connection c = support.target(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                ps.setInt(1, i * 7);
                ps.executeQuery().close();
            }
        }
    }

    private void runInserts(String sql, int from, int times) throws Exception {
        try (Connection c = support.target(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = from; i < from + times; i++) {
                ps.setInt(1, i);
                ps.setInt(2, i);
                ps.executeUpdate();
            }
        }
    }

    private String queryid(String table) throws Exception {
        Object id = support.targetValue("SELECT queryid::text FROM pg_stat_statements WHERE query LIKE ? LIMIT 1",
                "SELECT count(*) FROM public." + table + " WHERE customer = $1%");
        assertNotNull(id, "pg_stat_statements tracks the lookup on " + table);
        return (String) id;
    }

    private Map<String, Object> lookupCounters(String queryid) throws Exception {
        try (Connection c = support.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT sum(calls)::bigint, sum(total_exec_time) FROM pg_stat_statements WHERE queryid = ?::bigint")) {
            ps.setString(1, queryid);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return Map.of("calls", rs.getLong(1), "total_exec_time_ms", rs.getDouble(2));
            }
        }
    }

    private Long indexOid(String name) throws Exception {
        Object oid = support.targetValue("SELECT oid::bigint FROM pg_class WHERE relname = ? AND relkind = 'i'", name);
        return oid == null ? null : ((Number) oid).longValue();
    }
}
