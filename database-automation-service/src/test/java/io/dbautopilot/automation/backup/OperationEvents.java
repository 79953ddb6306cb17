package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helper: reads operation events from the real broker (autopilot.operations.v1), schema-checked. */
public final class OperationEvents implements AutoCloseable {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private final KafkaConsumer<String, String> consumer;
    private final List<JsonNode> seen = new ArrayList<>();

    public OperationEvents(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "backup-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(Topics.OPERATIONS));
    }

    /** Events of one operation, polling until one in {@code state} arrived (90 s at most). */
    public List<JsonNode> until(UUID operationId, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonNode> mine = of(operationId);
            if (mine.stream().anyMatch(e -> e.path("state").asText().equals(state))) {
                return mine;
            }
            for (var r : consumer.poll(Duration.ofMillis(300))) {
                JsonNode json = JSON.readTree(r.value());
                List<String> problems = EventValidator.shared().validate(EventKind.OPERATION, json);
                assertTrue(problems.isEmpty(), problems.toString());
                seen.add(json);
            }
        }
        throw new AssertionError("no " + state + " event for operation " + operationId + "; got "
                + of(operationId).stream().map(e -> e.path("state").asText()).toList());
    }

    /** The first event matching {@code test}, polling up to 120 s. */
    public JsonNode first(java.util.function.Predicate<JsonNode> test) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : seen) {
                if (test.test(e)) {
                    return e;
                }
            }
            for (var r : consumer.poll(Duration.ofMillis(300))) {
                seen.add(JSON.readTree(r.value()));
            }
        }
        throw new AssertionError("no matching operation event among " + seen.size());
    }

    /** Events already read for one operation. */
    public List<JsonNode> of(UUID operationId) {
        return seen.stream().filter(e -> e.path("operation_id").asText().equals(operationId.toString())).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
