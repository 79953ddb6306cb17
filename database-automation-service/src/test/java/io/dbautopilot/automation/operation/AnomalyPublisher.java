package io.dbautopilot.automation.operation;

import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helper for other packages: publishes one anomaly event to the real broker as a binary-mode CloudEvent. */
public final class AnomalyPublisher implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    public AnomalyPublisher(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** Publishes a warning-level anomaly of {@code rule} on {@code object}. */
    public void publish(String eventId, String target, String rule, String object) throws Exception {
        String json = EventJson.newMapper().writeValueAsString(
                OperationsTestSupport.anomaly(target, rule, object, Severity.WARNING, null));
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, target, json);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", target.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close();
    }
}
