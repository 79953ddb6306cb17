package io.dbautopilot.automation.intake;

import io.dbautopilot.support.events.MalformedEventException;
import io.dbautopilot.support.events.CloudEventData;
import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.RecommendationEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a consumed CloudEvent into a {@link RecommendationEvent}, or explains precisely why it cannot. */
@ApplicationScoped
public class RecommendationEventParser {

    private final CloudEventData data;

    public RecommendationEventParser(CloudEventData data) {
        this.data = data;
    }

    /** Parses and checks one recommendation event; {@code type} and {@code subject} are the CloudEvents attributes. */
    public Parsed parse(String type, String subject, String data) {
        CloudEventData.Checked<RecommendationEvent> checked =
                this.data.read(EventKind.RECOMMENDATION, "recommendation", RecommendationEvent.class, type, data);
        RecommendationEvent event = checked.event();
        JsonNode json = checked.json();
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
