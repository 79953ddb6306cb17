package io.dbautopilot.support.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.TargetDefinition;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the fleet registry: a definition (key = target id) or a tombstone, acknowledged by all in-sync replicas, and
 * returns once this process's {@link TargetStore} has read it back (so a read after a write sees it).
 *
 * <p>Stamps nothing: the caller sets {@code source}, {@code updated_at} and {@code updated_by}. When Kafka does not
 * acknowledge within {@code autopilot.fleet.write-timeout}, or the store does not read the record back in that time,
 * it throws {@link RegistryUnavailableException} (an API answers 503).
 */
@ApplicationScoped
public class TargetWriter {

    private static final ObjectMapper MAPPER = EventJson.newMapper();

    private final TargetStore store;
    private final KafkaClientSettings kafka;
    private final Duration timeout;
    private KafkaProducer<String, String> producer;
    private boolean closed;

    /** The writer of a service. */
    @Inject
    public TargetWriter(TargetStore store, FleetConfig fleet, Config config) {
        this(store, KafkaClientSettings.from(config), fleet.writeTimeout());
    }

    /**
     * A writer for an independent store.
     *
     * @param store        the store that must read each write back
     * @param kafka        client settings
     * @param writeTimeout how long a write waits for the acknowledgement, and again for the read-back
     */
    public TargetWriter(TargetStore store, KafkaClientSettings kafka, Duration writeTimeout) {
        this.store = store;
        this.kafka = kafka;
        this.timeout = writeTimeout;
    }

    /** Registers or replaces a target (the caller has validated it) and returns it as the store now holds it. */
    public RegisteredTarget put(TargetDefinition definition) {
        String json;
        try {
            json = MAPPER.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("target definition cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        List<String> problems = EventValidator.shared().validate(EventKind.TARGET_DEFINITION, json);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not a valid target definition: " + String.join("; ", problems));
        }
        RecordMetadata md = send(definition.id(), json, "register target " + definition.id());
        return store.get(definition.id())
                .filter(t -> t.partition() == md.partition() && t.offset() >= md.offset())
                .orElseGet(() -> new RegisteredTarget(definition, md.partition(), md.offset()));
    }

    /** Removes a target (tombstone); true if it was registered. */
    public boolean remove(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a target id is required");
        }
        boolean existed = store.get(id).isPresent();
        send(id, null, "remove target " + id);
        return existed;
    }

    /** Closes the producer; later writes fail. */
    @PreDestroy
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private RecordMetadata send(String key, String value, String what) {
        store.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        RecordMetadata md;
        try {
            md = producer().send(new ProducerRecord<>(store.topic(), key, value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RegistryUnavailableException("Fleet registry unavailable: Kafka (" + kafka.bootstrapServers()
                    + ") did not acknowledge '" + what + "' within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new RegistryUnavailableException("Fleet registry unavailable: Kafka (" + kafka.bootstrapServers()
                    + ") did not take '" + what + "': " + cause, cause);
        } catch (KafkaException e) {
            throw new RegistryUnavailableException("Fleet registry unavailable: '" + what + "' could not be sent to Kafka ("
                    + kafka.bootstrapServers() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while waiting for Kafka to acknowledge '" + what + "'", e);
        }
        Duration left = Duration.ofNanos(Math.max(timeout.toNanos() / 2, deadline - System.nanoTime()));
        if (!store.awaitRead(md.partition(), md.offset(), left)) {
            throw new RegistryUnavailableException("Fleet registry: '" + what + "' was written (partition "
                    + md.partition() + " offset " + md.offset() + ") but not read back within " + timeout.toMillis()
                    + " ms; it will apply once the registry is readable");
        }
        return md;
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (closed) {
            throw new RegistryUnavailableException("Fleet registry writer is closed (shutting down)");
        }
        if (producer == null) {
            int ms = (int) Math.max(1000, timeout.toMillis());
            producer = new KafkaProducer<>(kafka.with(Map.of(
                    ProducerConfig.CLIENT_ID_CONFIG, "fleet-registry-writer",
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, ms,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms)),
                    new StringSerializer(), new StringSerializer());
        }
        return producer;
    }
}
