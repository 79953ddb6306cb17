package io.dbautopilot.support.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The checks every consumed CloudEvent goes through, whatever its kind: type of the expected kind, JSON data,
 * valid against the kind's schema, mappable to its record. Failures say precisely what was wrong.
 */
@ApplicationScoped
public class CloudEventData {

    private final ObjectMapper mapper;
    private final EventValidator validator = EventValidator.shared();

    public CloudEventData(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Reads and checks the data of one event.
     *
     * @param kind  the kind the topic carries
     * @param noun  how errors name the topic's events, e.g. {@code anomaly}
     * @param type  the record class of that kind
     * @param ceType the CloudEvents type attribute
     * @param data  the record value
     */
    public <T> Checked<T> read(EventKind kind, String noun, Class<T> type, String ceType, String data) {
        if (ceType == null || EventKind.forType(ceType).filter(k -> k == kind).isEmpty()) {
            throw new MalformedEventException("unexpected CloudEvents type '" + ceType + "' on the " + noun
                    + " topic");
        }
        if (data == null || data.isBlank()) {
            throw new MalformedEventException("empty event data");
        }
        JsonNode json;
        try {
            json = mapper.readTree(data);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("data is not valid JSON: " + e.getOriginalMessage());
        }
        List<String> problems = validator.validate(kind, json);
        if (!problems.isEmpty()) {
            throw new MalformedEventException("data does not match " + noun + "-event.v1: "
                    + String.join("; ", problems));
        }
        try {
            return new Checked<>(mapper.treeToValue(json, type), json);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("data is not a valid " + noun + " event: " + e.getMessage());
        }
    }

    /** A checked event record with the JSON it came from. */
    public record Checked<T>(T event, JsonNode json) {
    }
}
