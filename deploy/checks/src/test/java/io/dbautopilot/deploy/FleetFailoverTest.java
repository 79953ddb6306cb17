package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20's sharding promise with real processes: two packaged performance-service instances in one collector group
 * split twelve targets registered through the API without overlap; after one is killed with SIGKILL its targets move
 * to the survivor within 60 s, and every target's anomaly sequence on {@code autopilot.anomalies.v1} stays gapless
 * and free of second events for one number (a number seen twice must be the same event, redelivered, with the same
 * CloudEvents id — consumers drop those by id).
 *
 * <p>Every target watches one sequence in the database {@code fleet}; the test moves it above and below 75 % of its
 * maximum, so each target's {@code sequence_exhaustion} anomaly opens and resolves every few seconds, before and
 * after the failover.
 */
class FleetFailoverTest {

    private static final int TARGETS = 12;
    private static final String PASSWORD_ENV = "FLEET_TARGET_PASSWORD";

    static PerformanceInstances fleet;
    static Thread toggler;
    static final AtomicBoolean toggling = new AtomicBoolean(true);
    /** How long the survivor took to collect the killed instance's targets (the reliability suite reports it). */
    static volatile Duration takeover;
    /** How many targets moved to the survivor. */
    static volatile int movedTargets;

    @BeforeAll
    static void start() throws Exception {
        fleet = new PerformanceInstances();
        fleet.postgres.createDatabase("fleet");
        fleet.postgres.execute("fleet", "CREATE SEQUENCE watched MAXVALUE 100");
        Path rules = fleet.work.resolve("fleet-rules.yaml");
        Files.writeString(rules, """
                defaults:
                  for: 0s
                  cooldown: 0s
                  hysteresis: 0.1
                rules:
                  sequence_exhaustion:
                    metric: pg_sequence_used_ratio
                    thresholds: {warning: 0.75}
                    for: 0s
                    cooldown: 0s
                    action: investigate
                    object: [datname, schemaname, sequencename]
                    description: sequence close to its maximum
                """, StandardCharsets.UTF_8);
        List<String> settings = List.of("-Dautopilot.detection.rules-file=" + rules,
                "-Dautopilot.fleet.session-timeout=10s");
        Map<String, String> env = Map.of(PASSWORD_ENV, fleet.postgres.password());
        fleet.start("perf-a", settings, env);
        fleet.start("perf-b", settings, env);
        fleet.awaitUp("perf-a", Duration.ofSeconds(180));
        fleet.awaitUp("perf-b", Duration.ofSeconds(180));
        toggler = new Thread(FleetFailoverTest::toggle, "sequence-toggler");
        toggler.setDaemon(true);
        toggler.start();
    }

    /** Moves the watched sequence across the threshold every 3 s, so every target's anomaly opens and resolves. */
    private static void toggle() {
        boolean high = false;
        while (toggling.get()) {
            high = !high;
            try {
                fleet.postgres.execute("fleet", "SELECT setval('watched', " + (high ? 90 : 1) + ")");
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the cluster is going away at the end of the test
            }
        }
    }

    @AfterAll
    static void stop() {
        toggling.set(false);
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void twoInstancesSplitTheTargetsAndTheSurvivorTakesOverGaplessly() throws Exception {
        for (int i = 1; i <= TARGETS; i++) {
            String body = """
                    {"id":"fleet-%02d","engine":"postgresql","url":"postgresql://%s:%d/fleet","username":"%s",
                     "credentials_ref":"env:%s","labels":{"env":"test","shard":"%d"},
                     "collection":{"interval":"1s","include_databases":["fleet"],
                                   "family_intervals":{"sequences":"1s"}}}
                    """.formatted(i, fleet.postgres.host(), fleet.postgres.port(), fleet.postgres.user(), PASSWORD_ENV, i % 3);
            HttpResponse<String> created = fleet.send(i % 2 == 0 ? "perf-a" : "perf-b", "POST", "/api/targets",
                    PerformanceInstances.OPERATOR_KEY, body);
            assertEquals(201, created.statusCode(), created.body());
        }

        // every target collected by exactly one instance, both instances busy
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, String> owners = owners("perf-a");
            assertEquals(TARGETS, owners.size(), "owners seen by perf-a: " + owners);
            assertEquals(owners, owners("perf-b"), "both instances agree on the owners");
            assertEquals(Set.of("perf-a", "perf-b"), Set.copyOf(owners.values()), "both instances own targets: " + owners);
            Set<String> collectedA = collecting("perf-a");
            Set<String> collectedB = collecting("perf-b");
            Set<String> overlap = new TreeSet<>(collectedA);
            overlap.retainAll(collectedB);
            assertTrue(overlap.isEmpty(), "collected by both: " + overlap);
            assertEquals(TARGETS, collectedA.size() + collectedB.size(), "collected: a=" + collectedA + " b=" + collectedB);
        });
        Map<String, String> before = owners("perf-a");

        // either instance's fleet view shows the whole fleet: its own targets and the other's, with owner and grade
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String instance : List.of("perf-a", "perf-b")) {
                HttpResponse<String> r = fleet.send(instance, "GET", "/api/fleet?label=env=test", PerformanceInstances.VIEWER_KEY, null);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode page = Repo.JSON.readTree(r.body());
                assertEquals(instance, page.get("instance").asText());
                assertEquals(TARGETS, page.get("total").asInt(), instance + " lists " + r.body());
                for (JsonNode row : page.get("rows")) {
                    String id = row.get("id").asText();
                    assertEquals(before.get(id), row.path("owner").asText(null), instance + ": owner of " + id);
                    assertTrue(row.hasNonNull("grade"), instance + ": no grade for " + id + " (owner " + before.get(id) + ")");
                    assertTrue(row.path("reachable").asBoolean(false), instance + ": " + id + " not reachable");
                }
            }
        });
        Set<String> moved = new TreeSet<>();
        before.forEach((id, owner) -> {
            if (owner.equals("perf-b")) {
                moved.add(id);
            }
        });
        // both instances published transitions for their targets
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(TARGETS, anomalyEvents().size()));
        Map<String, Long> highestAtKill = highest(anomalyEvents());

        fleet.kill("perf-b");
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertEquals(Set.of("perf-a"), Set.copyOf(owners("perf-a").values()));
            assertEquals(TARGETS, collecting("perf-a").size());
        });
        takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        movedTargets = moved.size();
        System.out.printf("fleet failover: %d targets moved from perf-b to perf-a in %d ms%n", moved.size(), takeover.toMillis());

        // the survivor continues the moved targets' sequences: new transitions with higher numbers
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Long> now = highest(anomalyEvents());
            for (String id : moved) {
                assertTrue(now.get(id) > highestAtKill.get(id) + 1, id + " continued after the kill: " + now.get(id)
                        + " vs " + highestAtKill.get(id));
            }
        });
        toggling.set(false);

        Map<String, List<Event>> events = anomalyEvents();
        for (String id : before.keySet()) {
            List<Event> list = events.get(id);
            Map<Long, String> idBySequence = new TreeMap<>();
            for (Event e : list) {
                String previous = idBySequence.putIfAbsent(e.sequence(), e.eventId());
                assertTrue(previous == null || previous.equals(e.eventId()),
                        id + ": sequence " + e.sequence() + " carried by two different events " + previous + " and " + e.eventId());
            }
            long expected = 1;
            for (long sequence : idBySequence.keySet()) {
                assertEquals(expected, sequence, id + ": gap in the anomaly sequence " + idBySequence.keySet());
                expected++;
            }
        }
        assertFalse(fleet.alive("perf-b"));
    }

    /** Owner instance per target id as an instance's {@code GET /api/targets} reports it. */
    private static Map<String, String> owners(String instance) throws Exception {
        Map<String, String> owners = new TreeMap<>();
        for (JsonNode t : targets(instance)) {
            if (t.hasNonNull("owner") && !t.get("owner").asText().isBlank()) {
                owners.put(t.get("id").asText(), t.get("owner").asText());
            }
        }
        return owners;
    }

    /** Targets an instance has collected in the last 5 s (its own last cycle is fresh). */
    private static Set<String> collecting(String instance) throws Exception {
        Set<String> ids = new TreeSet<>();
        for (JsonNode t : targets(instance)) {
            if (t.hasNonNull("last_cycle_at")
                    && java.time.Instant.parse(t.get("last_cycle_at").asText()).isAfter(java.time.Instant.now().minusSeconds(5))) {
                ids.add(t.get("id").asText());
            }
        }
        return ids;
    }

    private static JsonNode targets(String instance) throws Exception {
        HttpResponse<String> r = fleet.send(instance, "GET", "/api/targets", PerformanceInstances.VIEWER_KEY, null);
        assertEquals(200, r.statusCode(), r.body());
        return Repo.JSON.readTree(r.body());
    }

    record Event(long sequence, String eventId) {
    }

    /** Every anomaly event on the topic so far, per target id, in topic order. */
    private static Map<String, List<Event>> anomalyEvents() throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, List<Event>> events = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor("autopilot.anomalies.v1", Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> position = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> position.getOrDefault(p, 0L) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode data = Repo.JSON.readTree(r.value());
                    Header id = r.headers().lastHeader("ce_id");
                    events.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new Event(data.get("sequence").asLong(),
                            id == null ? "" : new String(id.value(), StandardCharsets.UTF_8)));
                }
                partitions.forEach(p -> position.put(p, consumer.position(p)));
            }
        }
        return events;
    }

    private static Map<String, Long> highest(Map<String, List<Event>> events) {
        Map<String, Long> highest = new TreeMap<>();
        events.forEach((id, list) -> highest.put(id, list.stream().mapToLong(Event::sequence).max().orElse(0)));
        return highest;
    }
}
