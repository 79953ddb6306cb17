package io.dbautopilot.performance.fleet;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Topics;
import io.dbautopilot.support.fleet.KafkaClientSettings;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.RegistryUnavailableException;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.fleet.TargetValidator;
import io.dbautopilot.support.fleet.TargetWriter;
import io.dbautopilot.support.fleet.TargetsFileImporter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet registry on the embedded broker: writes are read back, listeners are told, malformed records are skipped,
 * an independent reader catches up with the whole registry, and the targets file is imported once.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TargetRegistryStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    TargetStore store;

    @Inject
    TargetWriter writer;

    @Inject
    TargetValidator validator;

    private static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TargetDefinition target(String id) {
        return new TargetDefinition(id, Engine.POSTGRESQL, "postgresql://" + id + ".invalid:5432/app", "monitor", null,
                Map.of("team", "registry-test"), null, null, null, null, null, null)
                .stamped("api", Instant.now(), "test");
    }

    @Test
    void putIsReadBackAndToldToListenersAndRemoveTombstonesIt() throws Exception {
        assertTrue(store.awaitCaughtUp(WAIT));
        String id = uniqueId("put");
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        store.addListener((changed, now) -> {
            if (changed.equals(id)) {
                told.add(now.map(t -> "put@" + t.offset()).orElse("removed"));
            }
        });

        RegisteredTarget written = writer.put(target(id));
        assertEquals(Optional.of(written), store.get(id), "a read after the write sees it");
        assertEquals(partitionOf(id), written.partition());
        assertEquals("put@" + written.offset(), told.poll(5, TimeUnit.SECONDS));
        assertTrue(store.all().stream().anyMatch(t -> t.id().equals(id)));

        assertTrue(writer.remove(id));
        assertEquals(Optional.empty(), store.get(id), "a read after the removal misses it");
        assertEquals("removed", told.poll(5, TimeUnit.SECONDS));
        assertFalse(writer.remove(id), "removing an unknown target says so");
    }

    @Test
    void malformedRecordsAreSkippedAndTheNextGoodOneIsRead() throws Exception {
        assertTrue(store.awaitCaughtUp(WAIT));
        String good = uniqueId("good");
        int partition = partitionOf(good);
        String wrongKey = EventJson.newMapper().writeValueAsString(target(uniqueId("other")));
        try (KafkaProducer<String, String> raw = rawProducer()) {
            raw.send(new ProducerRecord<>(Topics.TARGETS, partition, "bad-json", "{not json")).get();
            raw.send(new ProducerRecord<>(Topics.TARGETS, partition, "bad-schema",
                    "{\"id\":\"bad-schema\",\"engine\":\"oracle\",\"url\":\"x\"}")).get();
            raw.send(new ProducerRecord<>(Topics.TARGETS, partition, "bad-key", wrongKey)).get();
            RecordMetadata md = raw.send(new ProducerRecord<>(Topics.TARGETS, partition, good,
                    EventJson.newMapper().writeValueAsString(target(good)))).get();
            assertTrue(store.awaitRead(partition, md.offset(), WAIT), "the reader went past the malformed records");
            assertEquals(md.offset(), store.get(good).orElseThrow().offset());
        }
        assertEquals(Optional.empty(), store.get("bad-json"));
        assertEquals(Optional.empty(), store.get("bad-schema"));
        assertEquals(Optional.empty(), store.get("bad-key"));
        assertTrue(writer.remove(good));
    }

    @Test
    void anIndependentReaderCatchesUpWithTheWholeRegistry() throws Exception {
        assertTrue(store.awaitCaughtUp(WAIT));
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> uniqueId("fleet" + i)).toList();
        ids.forEach(id -> writer.put(target(id)));
        String removed = ids.get(0);
        writer.remove(removed);

        TargetStore second = new TargetStore(KafkaClientSettings.bootstrap(kafka.bootstrapServers()), Topics.TARGETS,
                12, Optional.empty());
        try {
            second.start();
            assertTrue(second.awaitCaughtUp(WAIT));
            assertEquals(store.all(), second.all());
            assertEquals(store.partitions(), second.partitions());
            BlockingQueue<String> told = new LinkedBlockingQueue<>();
            second.addListener((id, now) -> told.add(id));
            assertEquals(store.all().stream().map(RegisteredTarget::id).toList(), List.copyOf(told),
                    "a new listener is told every known target first");
            assertFalse(second.get(removed).isPresent());
        } finally {
            second.close();
            ids.forEach(writer::remove);
        }
    }

    @Test
    void theTargetsFileIsImportedOnceAndAnUnchangedFileWritesNothing() throws Exception {
        assertTrue(store.awaitCaughtUp(WAIT));
        String a = uniqueId("file-a");
        String b = uniqueId("file-b");
        Path file = Files.createTempFile("targets", ".yaml");
        try {
            Files.writeString(file, """
                    targets:
                      - id: %s
                        engine: postgresql
                        url: postgresql://orders.invalid:5432/orders
                        labels: {env: prod}
                        collection: {interval: 15s, family_intervals: {tables: 2m}}
                      - id: %s
                        engine: redis
                        url: redis://cache.invalid:6379/0
                    """.formatted(a, b), StandardCharsets.UTF_8);
            TargetsFileImporter importer = new TargetsFileImporter(store, writer, validator, WAIT, Optional.empty());

            TargetsFileImporter.Result first = importer.importFile(file);
            assertEquals(List.of(a, b), first.written());
            RegisteredTarget imported = store.get(a).orElseThrow();
            assertEquals("file", imported.definition().source());
            assertEquals(file.toString(), imported.definition().updatedBy());

            Map<TopicPartition, Long> before = endOffsets();
            TargetsFileImporter.Result second = importer.importFile(file);
            assertEquals(List.of(), second.written());
            assertEquals(List.of(a, b), second.unchanged());
            assertEquals(before, endOffsets(), "an unchanged file writes nothing");
        } finally {
            Files.deleteIfExists(file);
            writer.remove(a);
            writer.remove(b);
        }
    }

    @Test
    void aWriteToAnUnreachableClusterFailsClearly() {
        TargetWriter unreachable = new TargetWriter(store, KafkaClientSettings.bootstrap("127.0.0.1:1"),
                Duration.ofSeconds(2));
        try {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> unreachable.put(target(uniqueId("down"))));
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        } finally {
            unreachable.close();
        }
    }

    private int partitionOf(String id) {
        return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % store.partitions();
    }

    private KafkaProducer<String, String> rawProducer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer());
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = IntStream.range(0, store.partitions())
                    .mapToObj(p -> new TopicPartition(Topics.TARGETS, p)).toList();
            return c.endOffsets(tps, WAIT);
        }
    }
}
