package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Reads event topics from their beginning on a background thread for as long as a test runs and keeps every record
 * (CloudEvents type and id from the binary-mode headers, JSON data), so a test can wait for an event and later assert
 * what was, or was not, published. The topics must exist when it starts. Of a topic with big values (metric
 * snapshots) only the named top-level fields are kept.
 */
final class TopicRecorder implements AutoCloseable {

    /** One record: its topic, key, {@code ce_type}, {@code ce_id} and JSON data (only the kept fields). */
    record Seen(String topic, String key, String type, String id, JsonNode data) {
    }

    private final String bootstrapServers;
    private final Map<String, List<String>> fields;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * Starts reading.
     *
     * @param bootstrapServers the broker
     * @param topics           topic to the top-level fields of its values to keep (empty: the whole value)
     */
    TopicRecorder(String bootstrapServers, Map<String, List<String>> topics) {
        this.bootstrapServers = bootstrapServers;
        this.fields = Map.copyOf(topics);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : fields.keySet()) {
            seen.put(topic, new CopyOnWriteArrayList<>());
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(this::read, "topic-recorder");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.get(r.topic()).add(new Seen(r.topic(), r.key(), header(r, "ce_type"), header(r, "ce_id"),
                            kept(r.topic(), r.value())));
                }
                for (TopicPartition p : consumer.assignment()) {
                    positions.put(p, consumer.position(p));
                }
            }
        } catch (WakeupException closing) {
            // close() stops the reader
        } catch (Throwable e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private JsonNode kept(String topic, String value) {
        if (value == null) {
            return Repo.JSON.nullNode();
        }
        try {
            JsonNode data = Repo.JSON.readTree(value);
            List<String> keep = fields.get(topic);
            if (keep.isEmpty() || !(data instanceof ObjectNode object)) {
                return data;
            }
            ObjectNode small = Repo.JSON.createObjectNode();
            keep.forEach(f -> small.set(f, object.get(f)));
            return small;
        } catch (Exception e) {
            return Repo.JSON.getNodeFactory().textNode(value);
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Every record of a topic read so far, in the order read (per partition: topic order). */
    List<Seen> seen(String topic) {
        if (failure != null) {
            throw new AssertionError("the topic recorder stopped: " + failure, failure);
        }
        return List.copyOf(seen.get(topic));
    }

    /** Of a topic, the records with this key read so far. */
    List<Seen> seen(String topic, String key) {
        return seen(topic).stream().filter(s -> key.equals(s.key())).toList();
    }

    /** Of the metrics topic, the start times ({@code collected_at}) of the snapshots of a target read so far. */
    List<Instant> snapshotTimes(String targetId) {
        return seen(io.dbautopilot.model.Topics.METRICS, targetId).stream()
                .map(s -> Instant.parse(s.data().get("collected_at").asText())).toList();
    }

    /**
     * Waits until everything published to a topic up to now has been read, so an assertion that something was not
     * published covers every partition, not only the one a test waited on.
     */
    void awaitReadToEnd(String topic, Duration timeout) throws Exception {
        Map<TopicPartition, Long> end = new HashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((p, info) -> end.put(p, info.offset()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> positions.getOrDefault(e.getKey(), 0L) < e.getValue())) {
            seen(topic); // fails when the reader stopped
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the recorder did not read " + topic + " to " + end + " within " + timeout
                        + " (read to " + positions + ")");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
