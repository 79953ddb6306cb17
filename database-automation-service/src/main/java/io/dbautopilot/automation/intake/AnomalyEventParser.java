package io.dbautopilot.automation.intake;

import io.dbautopilot.support.events.MalformedEventException;
import io.dbautopilot.support.events.CloudEventData;
import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.EventKind;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a consumed CloudEvent into an {@link AnomalyEvent}, or explains precisely why it cannot. */
@ApplicationScoped
public class AnomalyEventParser {

    private final CloudEventData data;

    public AnomalyEventParser(CloudEventData data) {
        this.data = data;
    }

    /** Parses and checks one anomaly event; {@code type} and {@code subject} are the CloudEvents attributes. */
    public Parsed parse(String type, String subject, String data) {
        CloudEventData.Checked<AnomalyEvent> checked =
                this.data.read(EventKind.ANOMALY, "anomaly", AnomalyEvent.class, type, data);
        AnomalyEvent event = checked.event();
        JsonNode json = checked.json();
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
