package io.dbautopilot.performance.fleet;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Topics;
import io.dbautopilot.performance.collect.CollectionScheduler;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.fleet.TargetWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second member joining the collector group takes half the registry's partitions: this instance stops collecting
 * their targets (jobs gone) and shows the other member as their owner; when it leaves, they come back.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class RebalanceTest {

    private static final String PEER = "rebalance-test-peer";

    @Inject
    Ownership ownership;

    @Inject
    TargetRegistry registry;

    @Inject
    CollectionScheduler scheduler;

    @Inject
    TargetStore store;

    @Inject
    TargetWriter writer;

    @Inject
    CollectorFleetConfig config;

    @Inject
    io.agroal.api.AgroalDataSource state;

    private List<long[]> sequences(String target) {
        List<long[]> out = new java.util.ArrayList<>();
        try (var c = state.getConnection();
             var ps = c.prepareStatement("SELECT sequence FROM performance.anomaly_outbox WHERE target_id = ? ORDER BY sequence")) {
            ps.setString(1, target);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[] {rs.getLong(1)});
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private long opened(String target) {
        try (var c = state.getConnection();
             var ps = c.prepareStatement("SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n "
                     + "FROM performance.anomaly_outbox WHERE target_id = ? AND event_type LIKE '%opened%' GROUP BY fingerprint) f")) {
            ps.setString(1, target);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSecondMemberTakesHalfTheTargetsAndGivesThemBackWhenItLeaves() throws Exception {
        List<String> extra = IntStream.range(0, 12).mapToObj(i -> "spread-" + i).toList();
        for (String id : extra) {
            writer.put(new TargetDefinition(id, Engine.POSTGRESQL, "postgresql://127.0.0.1:1/nowhere", null, null,
                    Map.of("test", "rebalance"), null, null, null, "api", Instant.now(), "test"));
        }
        int all = store.partitions();
        await().atMost(Duration.ofSeconds(30)).until(() -> ownership.partitions().size() == all
                && extra.stream().allMatch(id -> registry.get(id).isPresent() && scheduler.scheduled(id)));

        Set<Integer> peerPartitions = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread peer = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                    ConsumerConfig.GROUP_ID_CONFIG, config.collectorGroup(),
                    ConsumerConfig.CLIENT_ID_CONFIG, PEER,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
                consumer.subscribe(List.of(Topics.TARGETS), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        partitions.forEach(p -> peerPartitions.remove(p.partition()));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        consumer.pause(partitions);
                        partitions.forEach(p -> peerPartitions.add(p.partition()));
                    }
                });
                while (running.get()) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }
        }, "rebalance-test-peer");
        peer.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> peerPartitions.size() == all / 2
                    && ownership.partitions().size() == all - all / 2);
            Set<Integer> mine = ownership.partitions();
            peerPartitions.forEach(p -> assertFalse(mine.contains(p), "partition " + p + " owned twice"));
            List<String> moved = store.all().stream().filter(t -> peerPartitions.contains(t.partition()))
                    .map(RegisteredTarget::id).toList();
            List<String> kept = store.all().stream().filter(t -> mine.contains(t.partition()))
                    .map(RegisteredTarget::id).toList();
            assertFalse(moved.isEmpty(), "no target on the peer's partitions " + peerPartitions);
            assertFalse(kept.isEmpty(), "no target on this instance's partitions " + mine);
            for (String id : moved) {
                assertTrue(registry.get(id).isEmpty(), id + " still owned here");
                assertFalse(scheduler.scheduled(id), id + " still scheduled here");
            }
            for (String id : kept) {
                assertTrue(registry.get(id).isPresent() || ownership.unavailable(id).isPresent(), id + " not owned here");
            }
            String one = moved.get(0);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> RestAssured.get("/api/targets/{id}", one).then()
                    .statusCode(200).body("owner", equalTo(PEER)));
            RestAssured.get("/api/targets/{id}/snapshot", one).then().statusCode(404);

            // the fleet view of this instance lists the peer's targets too, with what the peer last stored
            try (var c = state.getConnection(); var ps = c.prepareStatement("""
                    INSERT INTO performance.target_status (target_id, last_cycle_at, last_duration_ms, reachable, owner,
                                                           grade, score, scored_at)
                    VALUES (?, now(), 12, true, ?, 'B', 85, now())
                    ON CONFLICT (target_id) DO UPDATE SET last_cycle_at = now(), reachable = true, owner = EXCLUDED.owner,
                                                          grade = 'B', score = 85, scored_at = now()""")) {
                ps.setString(1, one);
                ps.setString(2, PEER);
                ps.executeUpdate();
            }
            String self = RestAssured.get("/api/fleet").then().statusCode(200)
                    .body("total", equalTo(store.all().size()))
                    .body("rows.find { it.id == '" + one + "' }.owner", equalTo(PEER))
                    .body("rows.find { it.id == '" + one + "' }.grade", equalTo("B"))
                    .body("rows.find { it.id == '" + one + "' }.score", equalTo(85))
                    .body("rows.find { it.id == '" + one + "' }.reachable", equalTo(true))
                    .extract().path("instance");
            for (String id : kept) {
                RestAssured.get("/api/fleet").then()
                        .body("rows.find { it.id == '" + id + "' }.owner", equalTo(self));
            }
            for (String id : moved) {
                RestAssured.get("/api/fleet").then()
                        .body("rows.find { it.id == '" + id + "' }.owner", equalTo(PEER));
            }
            // so does the health API: the peer's target with its owner and stored status, its values left to the peer
            RestAssured.given().queryParam("target", one).get("/api/health/database").then().statusCode(200)
                    .body("targets[0].owner", equalTo(PEER)).body("targets[0].collected_here", equalTo(false))
                    .body("targets[0].status", equalTo("up")).body("targets[0].grade", equalTo("B"))
                    .body("targets[0].score", equalTo(85)).body("targets[0].connections", nullValue());
            RestAssured.given().queryParam("target", one).get("/api/health/partitions").then().statusCode(200)
                    .body("targets[0].status", equalTo("elsewhere")).body("targets[0].owner", equalTo(PEER));
        } finally {
            running.set(false);
            peer.join(30_000);
        }

        // the peer left the group: its partitions and their targets come back
        await().atMost(Duration.ofSeconds(60)).until(() -> ownership.partitions().size() == all
                && extra.stream().allMatch(id -> registry.get(id).isPresent() && scheduler.scheduled(id)));
        assertEquals(all, ownership.partitions().size());

        // the moved targets were down throughout: their anomaly stayed open across both hand-overs, so each has one
        // "opened" event and a per-target sequence without gap or duplicate
        await().atMost(Duration.ofSeconds(30)).until(() -> extra.stream().allMatch(id -> !sequences(id).isEmpty()));
        for (String id : extra) {
            List<long[]> seq = sequences(id);
            for (int i = 0; i < seq.size(); i++) {
                assertEquals(i + 1, seq.get(i)[0], id + " sequence " + seq.stream().map(a -> a[0]).toList());
            }
            assertEquals(1, opened(id), id + ": an anomaly opened more than once");
        }
        extra.forEach(writer::remove);
        await().atMost(Duration.ofSeconds(30)).until(() -> extra.stream().noneMatch(id -> registry.get(id).isPresent()));
    }
}
