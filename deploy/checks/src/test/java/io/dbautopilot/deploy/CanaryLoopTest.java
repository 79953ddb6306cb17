package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Topics;
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
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19's canary end to end, with both packaged services over one embedded Kafka broker and one throwaway
 * PostgreSQL cluster: two targets opt in ({@code automation.canary = on}) through performance-service's API, one in
 * trust {@code auto}, one in {@code observe}.
 * <ul>
 *   <li>auto: the run succeeds through the normal path (the shipped {@code dead_tuples} rule on the planted table, the
 *       shipped policy's VACUUM, the anomaly resolved), every stage timed in {@code io.dbautopilot.canary.completed.v1}
 *       on {@code autopilot.canary.v1}, the effect measured, the table only in the canary's schema and dropped
 *       afterwards;</li>
 *   <li>observe: the run completes at {@code would_run}, and no VACUUM was executed (no {@code started} operation
 *       event, {@code vacuum_count} 0 on the planted table while it exists);</li>
 *   <li>an emergency stop on the observe target: its next run plants nothing and says why ({@code skipped});</li>
 *   <li>both services' {@code /health} show the {@code canary} check;</li>
 *   <li>a stuck automation service (SIGSTOP): performance-service opens the critical {@code canary_overdue} anomaly
 *       "the autopilot is not working on canary-auto" once the next run is past due.</li>
 * </ul>
 * Shortened for the test: the targets' collection (2 s, tables every 2 s), the shipped {@code dead_tuples} rule's
 * {@code for}/{@code cooldown} for these two targets (0 s; thresholds as shipped), and the canary's interval (20 s),
 * deadline (60 s) and check interval (1 s). The canary rules are the shipped ones.
 */
class CanaryLoopTest {

    private static final String AUTO = "canary-auto";
    private static final String AUTO_DB = "canary_auto";
    private static final String OBSERVE = "canary-observe";
    private static final String OBSERVE_DB = "canary_observe";
    private static final String PASSWORD_ENV = "CANARY_TARGET_PASSWORD";
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(500);

    static PerformanceInstances stack;
    static TopicRecorder topics;

    @BeforeAll
    static void start() throws Exception {
        stack = new PerformanceInstances();
        ComposeLikeStack.createTopics(stack.kafka.bootstrapServers());
        stack.postgres.createDatabase(AUTO_DB);
        stack.postgres.createDatabase(OBSERVE_DB);
        Path rules = stack.work.resolve("canary-rules.yaml");
        Files.writeString(rules, rules(), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(PASSWORD_ENV, stack.postgres.password());
        stack.start("perf", List.of("-Dautopilot.detection.rules-file=" + rules), env);
        stack.startAutomation("automation", List.of("-Dautopilot.canary.interval=20s",
                "-Dautopilot.canary.deadline=60s", "-Dautopilot.canary.check-interval=1s",
                "-Dautopilot.operations.poll-interval=500ms"), env);
        stack.awaitUp("perf", PATIENCE);
        stack.awaitUp("automation", PATIENCE);
        topics = new TopicRecorder(stack.kafka.bootstrapServers(), Map.of(
                Topics.ANOMALIES, List.of(),
                Topics.OPERATIONS, List.of(),
                Topics.CANARY, List.of()));
    }

    /** The shipped dead_tuples rule with for/cooldown 0 s for the two targets, and the shipped canary rules. */
    private static String rules() throws Exception {
        JsonNode shipped = Repo.YAML.readTree(Repo.path("performance-service/src/main/resources/rules/default-rules.yaml")
                .toFile());
        ObjectNode rules = Repo.JSON.createObjectNode();
        ObjectNode dead = shipped.at("/rules/dead_tuples").deepCopy();
        ObjectNode fast = Repo.JSON.createObjectNode().put("for", "0s").put("cooldown", "0s");
        ObjectNode overrides = Repo.JSON.createObjectNode();
        overrides.set(AUTO, fast);
        overrides.set(OBSERVE, fast);
        dead.set("overrides", overrides);
        rules.set("dead_tuples", dead);
        for (String name : List.of("canary_overdue", "canary_failed")) {
            JsonNode rule = shipped.at("/rules/" + name);
            assertFalse(rule.isMissingNode(), "default-rules.yaml has no " + name + " rule");
            rules.set(name, rule);
        }
        ObjectNode file = Repo.JSON.createObjectNode();
        file.set("defaults", shipped.get("defaults"));
        file.set("rules", rules);
        return Repo.YAML.writeValueAsString(file);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            try {
                stack.signal("automation", "CONT");
            } catch (Exception ignored) {
                // not stopped, or gone
            }
        }
        if (topics != null) {
            topics.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theCanaryGoesThroughTheNormalPathAndItsWatchdogFiresWhenTheAutomationServiceIsStuck() throws Exception {
        register(AUTO, AUTO_DB, "auto");
        register(OBSERVE, OBSERVE_DB, "observe");

        // --- 1. auto: every stage, in order, through the normal path
        TopicRecorder.Seen ok = within("a succeeded canary run of " + AUTO + " on " + Topics.CANARY,
                () -> canaryRuns(AUTO).stream().filter(s -> {
                    String status = s.data().path("status").asText();
                    if ("failed".equals(status)) {
                        throw new Stop("canary run of " + AUTO + " failed: " + s.data());
                    }
                    return "succeeded".equals(status);
                }).findFirst());
        JsonNode run = ok.data();
        assertEquals(EventTypes.CANARY_COMPLETED, ok.type());
        List<String> names = new ArrayList<>();
        double previous = -1;
        for (JsonNode stage : run.path("stages")) {
            names.add(stage.path("name").asText());
            assertTrue(stage.path("seconds").asDouble() >= previous, "stages in time order: " + run);
            previous = stage.path("seconds").asDouble();
        }
        assertEquals(List.of("planted", "detected", "decided", "executed", "verified"), names, run.toString());
        String table = run.path("table").asText();
        assertTrue(table.startsWith("autopilot_canary.canary_"), run.toString());
        assertTrue(run.at("/effect/n_dead_tup_before").asDouble() > 10_000, run.toString());
        assertTrue(run.at("/effect/n_dead_tup_after").asDouble() < run.at("/effect/n_dead_tup_before").asDouble(),
                run.toString());
        System.out.printf("canary: %s succeeded, stages %s%n", AUTO, run.path("stages"));
        // the normal path: a dead_tuples anomaly from performance-service about that table, and a succeeded VACUUM
        String object = AUTO_DB + "." + table;
        List<TopicRecorder.Seen> anomalies = topics.seen(Topics.ANOMALIES, AUTO).stream()
                .filter(s -> "dead_tuples".equals(s.data().path("detector").asText())
                        && object.equals(s.data().path("object").asText())).toList();
        assertTrue(anomalies.stream().anyMatch(s -> EventTypes.ANOMALY_OPENED.equals(s.type())), anomalies.toString());
        assertTrue(anomalies.stream().anyMatch(s -> EventTypes.ANOMALY_RESOLVED.equals(s.type())), anomalies.toString());
        String operationId = run.path("operation_id").asText();
        List<TopicRecorder.Seen> ops = topics.seen(Topics.OPERATIONS, AUTO).stream()
                .filter(s -> operationId.equals(s.data().path("operation_id").asText())).toList();
        TopicRecorder.Seen vacuum = ops.stream().filter(s -> EventTypes.OPERATION_SUCCEEDED.equals(s.type())).findFirst()
                .orElseThrow(() -> new AssertionError("no succeeded event of operation " + operationId + ": " + ops));
        assertEquals("vacuum", vacuum.data().path("type").asText());
        assertEquals("dead-tuples-critical", vacuum.data().at("/details/rule").asText(), vacuum.data().toString());
        // nothing outside the canary's schema: the target database holds no other relation of its own
        within("the run's table dropped, nothing outside " + "autopilot_canary in " + AUTO_DB, () -> {
            List<String> relations = userRelations(AUTO_DB);
            assertTrue(relations.stream().allMatch(r -> r.startsWith("autopilot_canary.")), relations.toString());
            return relations.contains(table) ? Optional.empty() : Optional.of(true);
        });

        // the dashboard's canary panel reads GET /api/canary (viewer)
        within("GET /api/canary listing " + AUTO + " with its stage times", () -> {
            for (JsonNode t : viewerGet("perf", "/api/canary")) {
                if (AUTO.equals(t.path("target").asText()) && t.at("/latest/stages").size() == 5
                        && !t.path("overdue").asBoolean() && !t.path("recent").isEmpty()) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        });

        // --- 2. observe: completes at would_run, no VACUUM executed
        TopicRecorder.Seen observed = within("a would_run canary run of " + OBSERVE, () -> canaryRuns(OBSERVE).stream()
                .filter(s -> "would_run".equals(s.data().path("status").asText())).findFirst());
        JsonNode o = observed.data();
        assertTrue(o.path("reason").asText().contains("trust observe"), o.toString());
        List<String> observedStages = new ArrayList<>();
        o.path("stages").forEach(s -> observedStages.add(s.path("name").asText()));
        assertEquals(List.of("planted", "detected", "decided"), observedStages, o.toString());
        List<TopicRecorder.Seen> observeOps = topics.seen(Topics.OPERATIONS, OBSERVE);
        assertFalse(observeOps.isEmpty(), "the decision is published");
        assertTrue(observeOps.stream().allMatch(s -> EventTypes.OPERATION_WOULD_RUN.equals(s.type())),
                "only would_run operation events for " + OBSERVE + ": " + observeOps);
        assertEquals(0L, ((Number) value(OBSERVE_DB, "SELECT coalesce(sum(vacuum_count), 0) FROM pg_stat_user_tables",
                null)).longValue(), "no VACUUM ran on " + OBSERVE);

        // --- 3. emergency stop: the next run of the observe target plants nothing and says why
        HttpResponse<String> stopped = stack.send("automation", "POST", "/api/emergency-stop",
                PerformanceInstances.OPERATOR_KEY, "{\"target\": \"" + OBSERVE + "\", \"reason\": \"canary test\"}");
        assertEquals(200, stopped.statusCode(), stopped.body());
        JsonNode skipped = within("a skipped canary run of " + OBSERVE + " naming the stop", () -> canaryRuns(OBSERVE)
                .stream().filter(s -> "skipped".equals(s.data().path("status").asText())).findFirst()).data();
        assertTrue(skipped.path("reason").asText().contains("emergency stop"), skipped.toString());
        assertTrue(skipped.path("table").isMissingNode() && skipped.path("stages").isEmpty(), skipped.toString());

        // --- 4. /health of both services shows the canary
        for (String instance : List.of("perf", "automation")) {
            JsonNode check = within(instance + " /health with a canary check naming a completed run", () -> {
                for (JsonNode c : health(instance).path("checks")) {
                    if ("canary".equals(c.path("name").asText()) && c.at("/data/last_completed_at").isTextual()) {
                        return Optional.of(c);
                    }
                }
                return Optional.empty();
            });
            assertTrue(check.at("/data/targets").asInt() >= 2, check.toString());
        }

        // --- 5. the automation service stuck: performance-service's watchdog opens the critical anomaly
        Instant frozen = Instant.now();
        stack.signal("automation", "STOP");
        TopicRecorder.Seen overdue = within("a critical canary_overdue anomaly of " + AUTO, () ->
                topics.seen(Topics.ANOMALIES, AUTO).stream()
                        .filter(s -> "canary_overdue".equals(s.data().path("detector").asText())
                                && EventTypes.ANOMALY_OPENED.equals(s.type()))
                        .findFirst());
        assertEquals("critical", overdue.data().path("severity").asText(), overdue.data().toString());
        assertTrue(overdue.data().path("summary").asText().startsWith("the autopilot is not working"),
                overdue.data().toString());
        assertTrue(overdue.data().path("summary").asText().contains(" on " + AUTO), overdue.data().toString());
        System.out.printf("canary: automation frozen at %s, canary_overdue opened %d s later%n", frozen,
                Duration.between(frozen, Instant.parse(overdue.data().path("occurred_at").asText())).toSeconds());
        JsonNode perfCheck = within("perf /health canary check listing " + AUTO + " overdue", () -> {
            for (JsonNode c : health("perf").path("checks")) {
                if ("canary".equals(c.path("name").asText()) && c.at("/data/overdue").asText().contains(AUTO)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        });
        assertNotNull(perfCheck);
        within("GET /api/canary marking " + AUTO + " overdue", () -> {
            for (JsonNode t : viewerGet("perf", "/api/canary")) {
                if (AUTO.equals(t.path("target").asText()) && t.path("overdue").asBoolean()) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        });
        stack.signal("automation", "CONT");
    }

    // --- helpers

    private static List<TopicRecorder.Seen> canaryRuns(String target) {
        return topics.seen(Topics.CANARY, target);
    }

    private static void register(String id, String database, String trust) throws Exception {
        String body = """
                {"id": "%s", "engine": "postgresql", "url": "postgresql://%s:%d/%s", "username": "%s",
                 "credentials_ref": "env:%s", "labels": {"env": "test", "suite": "canary"},
                 "collection": {"interval": "2s", "include_databases": ["%s"], "family_intervals": {"tables": "2s"}},
                 "automation": {"canary": "on"}, "trust": "%s"}
                """.formatted(id, stack.postgres.host(), stack.postgres.port(), database, stack.postgres.user(),
                PASSWORD_ENV, database, trust);
        HttpResponse<String> created = stack.send("perf", "POST", "/api/targets", PerformanceInstances.OPERATOR_KEY, body);
        assertEquals(201, created.statusCode(), created.body());
    }

    private static JsonNode viewerGet(String instance, String path) throws Exception {
        HttpResponse<String> r = stack.send(instance, "GET", path, PerformanceInstances.VIEWER_KEY, null);
        assertEquals(200, r.statusCode(), instance + " GET " + path + ": " + r.body());
        return Repo.JSON.readTree(r.body());
    }

    private static JsonNode health(String instance) throws Exception {
        HttpResponse<String> r = stack.send(instance, "GET", "/health", null, null);
        return Repo.JSON.readTree(r.body());
    }

    /** Every table, view or sequence of a database outside the system schemas, as schema.name. */
    private static List<String> userRelations(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = stack.postgres.connect(database); PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND n.nspname !~ '^pg_toast'""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Object value(String database, String sql, Object parameter) throws Exception {
        try (Connection c = stack.postgres.connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setObject(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** Ends a wait at once with this failure. */
    private static final class Stop extends AssertionError {
        Stop(String message) {
            super(message);
        }
    }

    /** Polls {@code probe} until it returns a value, for at most {@link #PATIENCE}, reporting the log tails on timeout. */
    private static <T> T within(String what, Callable<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
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
                throw new AssertionError("waited " + PATIENCE + " for " + what + (last == null ? "" : "\nlast attempt: "
                        + last) + stack.logTails(), last);
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
