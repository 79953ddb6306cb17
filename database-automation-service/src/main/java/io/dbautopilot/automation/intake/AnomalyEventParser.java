package io.dbautopilot.automation.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Turns a consumed CloudEvent into an {@link AnomalyEvent}, or explains precisely why it cannot. */
@ApplicationScoped
public class AnomalyEventParser {

    private final ObjectMapper mapper;
    private final EventValidator validator = EventValidator.shared();

    public AnomalyEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses and checks one anomaly event; {@code type} and {@code subject} are the CloudEvents attributes. */
    public Parsed parse(String type, String subject, String data) {
        if (type == null || EventKind.forType(type).filter(k -> k == EventKind.ANOMALY).isEmpty()) {
            throw new MalformedEventException("unexpected CloudEvents type '" + type + "' on the anomalies topic");
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
        List<String> problems = validator.validate(EventKind.ANOMALY, json);
        if (!problems.isEmpty()) {
            throw new MalformedEventException("data does not match anomaly-event.v1: " + String.join("; ", problems));
        }
        AnomalyEvent event;
        try {
            event = mapper.treeToValue(json, AnomalyEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("data is not a valid anomaly event: " + e.getMessage());
        }
        if (subject != null && !subject.equals(event.targetId())) {
            throw new MalformedEventException("CloudEvents subject '" + subject + "' differs from target_id '"
                    + event.targetId() + "'");
        }
        return new Parsed(event, json);
    }

    /** A checked anomaly event with the JSON it came from. */
    public record Parsed(AnomalyEvent event, JsonNode json) {
    }
}
