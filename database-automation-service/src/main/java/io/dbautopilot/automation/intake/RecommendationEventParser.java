package io.dbautopilot.automation.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.RecommendationEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Turns a consumed CloudEvent into a {@link RecommendationEvent}, or explains precisely why it cannot. */
@ApplicationScoped
public class RecommendationEventParser {

    private final ObjectMapper mapper;
    private final EventValidator validator = EventValidator.shared();

    public RecommendationEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses and checks one recommendation event; {@code type} and {@code subject} are the CloudEvents attributes. */
    public Parsed parse(String type, String subject, String data) {
        if (type == null || EventKind.forType(type).filter(k -> k == EventKind.RECOMMENDATION).isEmpty()) {
            throw new MalformedEventException("unexpected CloudEvents type '" + type + "' on the recommendations topic");
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
        List<String> problems = validator.validate(EventKind.RECOMMENDATION, json);
        if (!problems.isEmpty()) {
            throw new MalformedEventException("data does not match recommendation-event.v1: " + String.join("; ", problems));
        }
        RecommendationEvent event;
        try {
            event = mapper.treeToValue(json, RecommendationEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("data is not a valid recommendation event: " + e.getMessage());
        }
        if (subject != null && !subject.equals(event.targetId())) {
            throw new MalformedEventException("CloudEvents subject '" + subject + "' differs from target_id '"
                    + event.targetId() + "'");
        }
        if (!type.equals(event.eventType())) {
            throw new MalformedEventException("CloudEvents type '" + type + "' does not match state '"
                    + event.state().wire() + "' of the data");
        }
        return new Parsed(event, json);
    }

    /** A checked recommendation event with the JSON it came from. */
    public record Parsed(RecommendationEvent event, JsonNode json) {
    }
}
