package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20's done-when line end to end, with both packaged services in one process tree over one embedded Kafka
 * broker and one throwaway PostgreSQL cluster: a target added through performance-service's {@code POST /api/targets}
 * is collected, and managed by database-automation-service, without a restart of either; a real dead-tuple condition
 * in one of its tables becomes a {@code dead_tuples} anomaly, a VACUUM operation that succeeds and measurably removes
 * the dead tuples (and the anomaly resolves); after {@code DELETE /api/targets/{id}} performance-service publishes no
 * further snapshot of it and an anomaly event for it creates no operation (recorded as {@code unknown target}).
 *
 * <p>Neither service has a target in its properties. What is shortened for the test, and how:
 * <ul>
 *   <li>the target's own collection settings, registered with it through the API: {@code interval} 2 s and the
 *       {@code tables} family every 2 s (packaged default 60 s);</li>
 *   <li>performance-service's {@code autopilot.detection.rules-file}: the shipped {@code dead_tuples} rule alone,
 *       thresholds, {@code require} and {@code resolve} as shipped, with an {@code overrides} entry for this target of
 *       {@code for: 0s} and {@code cooldown: 0s} (shipped 2 m / 30 m). The other shipped rules are left out so that no
 *       other anomaly (e.g. {@code table_not_analyzed} → ANALYZE) competes with the VACUUM for the target;</li>
 *   <li>database-automation-service: nothing. The shipped policy runs a VACUUM at once ({@code dead-tuples-critical},
 *       mode {@code auto}) for a critical {@code dead_tuples} anomaly of a target with trust {@code auto}, which the
 *       target is registered with.</li>
 * </ul>
 * A second target (the witness, another database of the cluster) is registered beside it: its collection cycles show
 * that performance-service kept ticking after the removal, and it stays collected and managed throughout.
 */
class FleetClosedLoopTest {

    private static final String TARGET = "loop-db";
    private static final String TARGET_DB = "loop_target";
    private static final String WITNESS = "loop-witness";
    private static final String WITNESS_DB = "loop_witness";
    private static final String TABLE = "orders";
    private static final String OBJECT = TARGET_DB + ".public." + TABLE;
    private static final String PASSWORD_ENV = "LOOP_TARGET_PASSWORD";
    private static final String BACKED_UP = "loop-backups";
    private static final String BACKED_UP_DB = "loop_backups";
    /** Every wait: generous, for a loaded 2-core machine running two service JVMs, Kafka and PostgreSQL. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(500);

    static PerformanceInstances stack;
    static TopicRecorder topics;
    static KafkaProducer<String, String> producer;
    static JsonNode shippedRule;

    @BeforeAll
    static void start() throws Exception {
        stack = new PerformanceInstances();
        // created up front (three partitions, as compose does) so the recorder reads them from their first record
        ComposeLikeStack.createTopics(stack.kafka.bootstrapServers());
        stack.postgres.createDatabase(TARGET_DB);
        stack.postgres.createDatabase(WITNESS_DB);
        stack.postgres.createDatabase(BACKED_UP_DB);
        Path rules = stack.work.resolve("dead-tuples-rule.yaml");
        Files.writeString(rules, deadTuplesRuleOnly(), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(PASSWORD_ENV, stack.postgres.password());
        stack.start("perf", List.of("-Dautopilot.detection.rules-file=" + rules), env);
        stack.startAutomation("automation", List.of(), env);
        stack.awaitUp("perf", PATIENCE);
        stack.awaitUp("automation", PATIENCE);
        topics = new TopicRecorder(stack.kafka.bootstrapServers(), Map.of(
                Topics.METRICS, List.of("target_id", "collected_at"),
                Topics.ANOMALIES, List.of(),
                Topics.OPERATIONS, List.of()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /**
     * The shipped rules file's defaults, its dead_tuples rule with for/cooldown 0 s for {@link #TARGET} only, and its
     * backup_stale rule as shipped.
     */
    private static String deadTuplesRuleOnly() throws Exception {
        JsonNode shipped = Repo.YAML.readTree(Repo.path("performance-service/src/main/resources/rules/default-rules.yaml")
                .toFile());
        shippedRule = shipped.at("/rules/dead_tuples");
        assertFalse(shippedRule.isMissingNode(), "default-rules.yaml has no dead_tuples rule");
        ObjectNode rule = shippedRule.deepCopy();
        ObjectNode fast = Repo.JSON.createObjectNode().put("for", "0s").put("cooldown", "0s");
        rule.set("overrides", Repo.JSON.createObjectNode().set(TARGET, fast));
        ObjectNode file = Repo.JSON.createObjectNode();
        file.set("defaults", shipped.get("defaults"));
        ObjectNode rules = Repo.JSON.createObjectNode();
        rules.set("dead_tuples", rule);
        // backup_stale as shipped (it opens at once: for 0 s)
        JsonNode backupStale = shipped.at("/rules/backup_stale");
        assertFalse(backupStale.isMissingNode(), "default-rules.yaml has no backup_stale rule");
        rules.set("backup_stale", backupStale);
        file.set("rules", rules);
        return Repo.YAML.writeValueAsString(file);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (topics != null) {
            topics.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTargetAddedThroughTheApiIsCollectedRemediatedAndForgottenWhenDeleted() throws Exception {
        // --- 1. registered through performance-service's API: collected there, managed by automation, no restart
        Instant posted = Instant.now();
        register(TARGET, TARGET_DB);
        register(WITNESS, WITNESS_DB);
        Instant firstCycle = within("a snapshot of " + TARGET + " on " + Topics.METRICS + " from a cycle after its "
                + "registration", () -> topics.snapshotTimes(TARGET).stream().filter(t -> !t.isBefore(posted)).findFirst());
        System.out.printf("fleet closed loop: %s registered, first cycle started %d ms later%n", TARGET,
                Duration.between(posted, firstCycle).toMillis());
        within(TARGET + " listed by performance-service as collected by perf and reachable", () -> {
            JsonNode t = byId(get("perf", "/api/targets"), TARGET).orElseThrow(() -> new AssertionError("not listed"));
            assertEquals("perf", t.path("owner").asText(), t.toString());
            assertTrue(t.path("reachable").asBoolean(), t.toString());
            assertEquals("auto", t.path("trust").asText(), t.toString());
            return Optional.of(t);
        });
        for (String id : List.of(TARGET, WITNESS)) {
            within(id + " managed by database-automation-service (GET /api/databases)", () -> {
                JsonNode db = byId(get("automation", "/api/databases"), id).orElseThrow(() -> new AssertionError("not listed"));
                assertEquals("reachable", db.path("status").asText(), db.toString());
                assertEquals("registry", db.path("source").asText(), db.toString());
                assertEquals("auto", db.path("trust").asText(), db.toString());
                return Optional.of(db);
            });
        }

        // --- 2. a real dead-tuple condition beyond the shipped rule's thresholds
        long required = shippedRule.at("/require/0/value").asLong();
        double critical = shippedRule.at("/thresholds/critical").asDouble();
        long rows = 2 * required;
        long dead = rows - rows / 4; // three rows in four deleted: dead ratio 0.75
        assertTrue(0.75 > critical && dead > required, "the condition must exceed the shipped rule: " + shippedRule);
        stack.postgres.execute(TARGET_DB,
                "CREATE TABLE public." + TABLE + " (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "INSERT INTO public." + TABLE + " SELECT g, repeat('x', 50) FROM generate_series(1, " + rows + ") g",
                "DELETE FROM public." + TABLE + " WHERE id % 4 <> 0");
        long deadBefore = within("n_dead_tup >= " + dead + " of " + TABLE + " in pg_stat_user_tables", () -> {
            long n = deadTuples();
            return n >= dead ? Optional.of(n) : Optional.empty();
        });

        TopicRecorder.Seen anomaly = within("a critical dead_tuples anomaly on " + OBJECT + " on " + Topics.ANOMALIES,
                () -> topics.seen(Topics.ANOMALIES, TARGET).stream()
                        .filter(s -> "dead_tuples".equals(s.data().path("detector").asText())
                                && OBJECT.equals(s.data().path("object").asText())
                                && "critical".equals(s.data().path("severity").asText())
                                && !EventTypes.ANOMALY_RESOLVED.equals(s.type()))
                        .findFirst());
        String fingerprint = anomaly.data().path("fingerprint").asText();

        String operationId = within("an operation for anomaly event " + anomaly.id() + " on " + Topics.OPERATIONS,
                () -> operationEvents(anomaly.id()).stream().findFirst().map(s -> s.data().path("operation_id").asText()));
        TopicRecorder.Seen succeeded = within("operation " + operationId + " succeeded", () -> {
            List<TopicRecorder.Seen> events = topics.seen(Topics.OPERATIONS, TARGET).stream()
                    .filter(s -> operationId.equals(s.data().path("operation_id").asText())).toList();
            for (TopicRecorder.Seen s : events) {
                if (EventTypes.OPERATION_FAILED.equals(s.type()) || EventTypes.OPERATION_CANCELLED.equals(s.type())) {
                    throw new Stop("operation " + operationId + " ended " + s.type() + ": " + s.data());
                }
            }
            return events.stream().filter(s -> EventTypes.OPERATION_SUCCEEDED.equals(s.type())).findFirst();
        });
        assertEquals("vacuum", succeeded.data().path("type").asText(), succeeded.data().toString());
        assertEquals(anomaly.id(), succeeded.data().path("triggering_event_id").asText(), succeeded.data().toString());
        JsonNode operation = byId(get("automation", "/api/operations?database=" + TARGET), operationId)
                .orElseThrow(() -> new AssertionError("operation " + operationId + " not in GET /api/operations"));
        assertEquals("succeeded", operation.path("status").asText(), operation.toString());
        assertEquals("vacuum", operation.path("type").asText(), operation.toString());
        assertEquals(OBJECT, operation.path("object").asText(), operation.toString());
        assertEquals("policy", operation.path("requested_by").asText(), operation.toString());

        // in PostgreSQL: the dead tuples are gone and a (manual: autovacuum is off for the table) VACUUM ran
        within("n_dead_tup of " + TABLE + " fell (was " + deadBefore + ") and last_vacuum set", () -> {
            long now = deadTuples();
            Object lastVacuum = targetValue("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = ?", TABLE);
            return now < deadBefore / 10 && lastVacuum != null ? Optional.of(now) : Optional.empty();
        });
        // and performance-service sees the effect: the anomaly resolves
        within("the dead_tuples anomaly " + fingerprint + " resolved on " + Topics.ANOMALIES,
                () -> topics.seen(Topics.ANOMALIES, TARGET).stream()
                        .filter(s -> EventTypes.ANOMALY_RESOLVED.equals(s.type())
                                && fingerprint.equals(s.data().path("fingerprint").asText()))
                        .findFirst());

        // --- 3. deleted: performance-service stops collecting it, automation stops managing it
        int operationsBefore = get("automation", "/api/operations?database=" + TARGET).size();
        HttpResponse<String> deleted = stack.send("perf", "DELETE", "/api/targets/" + TARGET,
                PerformanceInstances.OPERATOR_KEY, null);
        assertEquals(204, deleted.statusCode(), deleted.body());
        within(TARGET + " no longer listed by performance-service", () ->
                byId(get("perf", "/api/targets"), TARGET).isEmpty() ? Optional.of(true) : Optional.empty());
        Instant gone = Instant.now();
        assertEquals(404, stack.send("perf", "GET", "/api/targets/" + TARGET, PerformanceInstances.VIEWER_KEY, null)
                .statusCode());
        within(TARGET + " no longer listed by database-automation-service", () ->
                byId(get("automation", "/api/databases"), TARGET).isEmpty() ? Optional.of(true) : Optional.empty());

        // performance-service kept ticking: the first witness cycle after the removal marks the cut-off; three more
        // witness cycles after it are ticks in which the removed target (same interval) would have been collected
        Instant cutoff = within("a cycle of " + WITNESS + " started after " + TARGET + " was removed", () ->
                topics.snapshotTimes(WITNESS).stream().filter(t -> t.isAfter(gone)).findFirst().map(t -> Instant.now()));
        within("three cycles of " + WITNESS + " started after " + cutoff, () ->
                topics.snapshotTimes(WITNESS).stream().filter(t -> t.isAfter(cutoff)).count() >= 3
                        ? Optional.of(true) : Optional.empty());
        topics.awaitReadToEnd(Topics.METRICS, PATIENCE);
        List<Instant> late = topics.snapshotTimes(TARGET).stream().filter(t -> t.isAfter(cutoff)).toList();
        assertTrue(late.isEmpty(), TARGET + " collected after its removal (cut-off " + cutoff + "): " + late
                + stack.logTails());
        byId(get("perf", "/api/targets"), WITNESS).orElseThrow(() -> new AssertionError(WITNESS + " gone as well"));
        byId(get("automation", "/api/databases"), WITNESS)
                .orElseThrow(() -> new AssertionError(WITNESS + " no longer managed"));

        // an anomaly event for the removed target (the same anomaly reopening, next sequence number) creates no
        // operation: the automation service records it with the outcome "unknown target"
        AnomalyEvent original = EventJson.newMapper().treeToValue(anomaly.data(), AnomalyEvent.class);
        long sequence = topics.seen(Topics.ANOMALIES, TARGET).stream()
                .mapToLong(s -> s.data().path("sequence").asLong()).max().orElseThrow();
        Instant now = Instant.now();
        AnomalyEvent reopened = new AnomalyEvent(original.fingerprint(), TARGET, original.detector(), original.object(),
                original.severity(), AnomalyState.OPENED, sequence + 1, now, now, original.evidence(),
                original.suggestedAction(), original.summary());
        String eventId = UUID.randomUUID().toString();
        publish(eventId, reopened);
        String outcome = within("database-automation-service's outcome of anomaly event " + eventId, () ->
                Optional.ofNullable((String) stateValue("SELECT outcome FROM automation.anomaly WHERE last_event_id = ?",
                        eventId)));
        assertEquals("unknown target", outcome);
        assertNotNull(stateValue("SELECT event_id FROM automation.processed_event WHERE event_id = ?", eventId));
        assertEquals(operationsBefore, get("automation", "/api/operations?database=" + TARGET).size(),
                "operations of " + TARGET + " after its removal");
        topics.awaitReadToEnd(Topics.OPERATIONS, PATIENCE);
        assertEquals(List.of(), operationEvents(eventId), "operation events for " + eventId);
    }

    /**
     * The backup chain end to end: performance-service reads the backups the automation service published on
     * {@code autopilot.operations.v1} (here one that succeeded 26 h ago, published as the automation service would),
     * the shipped {@code backup_stale} rule opens an anomaly, the shipped policy {@code backup-stale} answers it with a
     * backup whose engine is chosen from what the target supports (archive_mode is off: not pgBackRest), and the
     * anomaly resolves once performance-service sees that backup succeed.
     */
    @Test
    void aStaleBackupOpensAnAnomalyThatABackupChosenForTheTargetResolves() throws Exception {
        register(BACKED_UP, BACKED_UP_DB);
        within(BACKED_UP + " managed by database-automation-service", () ->
                byId(get("automation", "/api/databases"), BACKED_UP).map(db -> db.path("status").asText())
                        .filter("reachable"::equals));
        Instant old = Instant.now().minus(Duration.ofHours(26));
        io.dbautopilot.model.OperationEvent longAgo = new io.dbautopilot.model.OperationEvent(UUID.randomUUID(), null,
                BACKED_UP, "backup", io.dbautopilot.model.OperationState.SUCCEEDED, 1.0, "a backup 26 h ago",
                old.minusSeconds(120), old.minusSeconds(100), old, old, Map.of());
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.OPERATIONS, BACKED_UP,
                EventJson.newMapper().writeValueAsString(longAgo));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", longAgo.eventType().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.AUTOMATION_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", BACKED_UP.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_time", old.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);

        TopicRecorder.Seen stale = within("a backup_stale anomaly of " + BACKED_UP + " on " + Topics.ANOMALIES,
                () -> topics.seen(Topics.ANOMALIES, BACKED_UP).stream()
                        .filter(s -> "backup_stale".equals(s.data().path("detector").asText())
                                && EventTypes.ANOMALY_OPENED.equals(s.type()))
                        .findFirst());
        assertEquals("backup", stale.data().path("suggested_action").asText(), stale.data().toString());
        String operationId = within("an operation for anomaly event " + stale.id(), () ->
                operationEvents(stale.id()).stream().findFirst().map(s -> s.data().path("operation_id").asText()));
        List<TopicRecorder.Seen> events = within("backup " + operationId + " succeeded", () -> {
            List<TopicRecorder.Seen> of = topics.seen(Topics.OPERATIONS, BACKED_UP).stream()
                    .filter(s -> operationId.equals(s.data().path("operation_id").asText())).toList();
            for (TopicRecorder.Seen s : of) {
                if (EventTypes.OPERATION_FAILED.equals(s.type()) || EventTypes.OPERATION_CANCELLED.equals(s.type())) {
                    throw new Stop("operation " + operationId + " ended " + s.type() + ": " + s.data());
                }
            }
            return of.stream().anyMatch(s -> EventTypes.OPERATION_SUCCEEDED.equals(s.type()))
                    ? Optional.of(of) : Optional.empty();
        });
        assertEquals("backup", events.get(0).data().path("type").asText(), events.get(0).data().toString());
        TopicRecorder.Seen chose = events.stream().filter(s -> s.data().path("details").has("engine_choice"))
                .findFirst().orElseThrow(() -> new AssertionError("no event says which engine: " + events));
        assertTrue(List.of("pg_basebackup", "pg_dump").contains(chose.data().at("/details/engine").asText()),
                chose.data().toString());
        String fingerprint = stale.data().path("fingerprint").asText();
        within("the backup_stale anomaly " + fingerprint + " resolved", () ->
                topics.seen(Topics.ANOMALIES, BACKED_UP).stream()
                        .filter(s -> EventTypes.ANOMALY_RESOLVED.equals(s.type())
                                && fingerprint.equals(s.data().path("fingerprint").asText()))
                        .findFirst());
    }

    // --- helpers

    /** Registers a PostgreSQL target of the throwaway cluster through performance-service's API (operator key). */
    private static void register(String id, String database) throws Exception {
        String body = """
                {"id": "%s", "engine": "postgresql", "url": "postgresql://%s:%d/%s", "username": "%s",
                 "credentials_ref": "env:%s", "labels": {"env": "test", "suite": "fleet-closed-loop"},
                 "collection": {"interval": "2s", "include_databases": ["%s"], "family_intervals": {"tables": "2s"}},
                 "trust": "auto"}
                """.formatted(id, stack.postgres.host(), stack.postgres.port(), database, stack.postgres.user(),
                PASSWORD_ENV, database);
        HttpResponse<String> viewer = stack.send("perf", "POST", "/api/targets", PerformanceInstances.VIEWER_KEY, body);
        assertEquals(403, viewer.statusCode(), "a viewer key may not register: " + viewer.body());
        HttpResponse<String> created = stack.send("perf", "POST", "/api/targets", PerformanceInstances.OPERATOR_KEY, body);
        assertEquals(201, created.statusCode(), created.body());
    }

    private static JsonNode get(String instance, String path) throws Exception {
        HttpResponse<String> r = stack.send(instance, "GET", path, PerformanceInstances.VIEWER_KEY, null);
        assertEquals(200, r.statusCode(), instance + " GET " + path + ": " + r.body());
        return Repo.JSON.readTree(r.body());
    }

    private static Optional<JsonNode> byId(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (id.equals(n.path("id").asText())) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** Operation events (any state) whose triggering event is {@code eventId}. */
    private static List<TopicRecorder.Seen> operationEvents(String eventId) {
        return topics.seen(Topics.OPERATIONS).stream()
                .filter(s -> eventId.equals(s.data().path("triggering_event_id").asText())).toList();
    }

    /** Publishes an anomaly event as performance-service does (CloudEvents binary mode, key = target id). */
    private static void publish(String eventId, AnomalyEvent event) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, event.targetId(),
                EventJson.newMapper().writeValueAsString(event));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.forAnomaly(event.state()).getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", event.targetId().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_time", event.occurredAt().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    private static long deadTuples() throws Exception {
        Object n = targetValue("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = ?", TABLE);
        return n == null ? 0 : ((Number) n).longValue();
    }

    private static Object targetValue(String sql, Object parameter) throws Exception {
        return value(TARGET_DB, sql, parameter);
    }

    /** A value of the state database the services share (automation's schema {@code automation}). */
    private static Object stateValue(String sql, Object parameter) throws Exception {
        return value("autopilot_state", sql, parameter);
    }

    private static Object value(String database, String sql, Object parameter) throws Exception {
        try (Connection c = stack.postgres.connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** Ends a wait at once with this failure (e.g. the operation failed: no point waiting for it to succeed). */
    private static final class Stop extends AssertionError {
        Stop(String message) {
            super(message);
        }
    }

    /**
     * Polls {@code probe} every {@link #POLL} until it returns a value, for at most {@link #PATIENCE}; an exception or
     * assertion failure of the probe counts as "not yet" and is reported with the services' log tails on timeout.
     */
    private static <T> T within(String what, Callable<Optional<T>> probe) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + PATIENCE.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> result = probe.call();
                if (result.isPresent()) {
                    return result.get();
                }
                last = null;
            } catch (Stop e) {
                throw new AssertionError(e.getMessage() + stack.logTails(), e);
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                List<String> lines = new ArrayList<>();
                lines.add("waited " + PATIENCE + " for " + what);
                if (last != null) {
                    lines.add("last attempt: " + last);
                }
                throw new AssertionError(String.join("\n", lines) + stack.logTails(), last);
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
