package io.dbautopilot.performance.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.OperationEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns one binary-mode CloudEvents record of {@code autopilot.operations.v1} into an {@link OperationEvent}, or
 * says precisely why it cannot. The {@code ce_*} headers are read here rather than by the connector's CloudEvents
 * support so that a bad record is skipped with a reason instead of failing the whole channel (as in the
 * automation service's intake).
 */
@ApplicationScoped
public class OperationRecordReader {

    /** A checked record: its CloudEvents id and the event. */
    public record Read(String eventId, OperationEvent event) {
    }

    private final ObjectMapper mapper;
    private final EventValidator validator = EventValidator.shared();

    public OperationRecordReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Reads one record. */
    public Read read(Headers headers, String data) {
        String spec = header(headers, "ce_specversion");
        String id = header(headers, "ce_id");
        String type = header(headers, "ce_type");
        String source = header(headers, "ce_source");
        String subject = header(headers, "ce_subject");
        StringBuilder missing = new StringBuilder();
        if (spec == null) {
            missing.append(" ce_specversion");
        }
        if (id == null) {
            missing.append(" ce_id");
        }
        if (type == null) {
            missing.append(" ce_type");
        }
        if (source == null) {
            missing.append(" ce_source");
        }
        if (!missing.isEmpty()) {
            throw new MalformedOperationException("not a binary-mode CloudEvent: missing header(s)" + missing);
        }
        if (!"1.0".equals(spec)) {
            throw new MalformedOperationException("unsupported CloudEvents specversion " + spec);
        }
        if (EventKind.forType(type).filter(k -> k == EventKind.OPERATION).isEmpty()) {
            throw new MalformedOperationException("unexpected CloudEvents type '" + type + "' on the operations topic");
        }
        if (data == null || data.isBlank()) {
            throw new MalformedOperationException("empty event data");
        }
        JsonNode json;
        try {
            json = mapper.readTree(data);
        } catch (JsonProcessingException e) {
            throw new MalformedOperationException("data is not valid JSON: " + e.getOriginalMessage());
        }
        List<String> problems = validator.validate(EventKind.OPERATION, json);
        if (!problems.isEmpty()) {
            throw new MalformedOperationException("data does not match operation-event.v1: " + String.join("; ", problems));
        }
        OperationEvent event;
        try {
            event = mapper.treeToValue(json, OperationEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedOperationException("data is not a valid operation event: " + e.getMessage());
        }
        if (subject != null && !subject.equals(event.targetId())) {
            throw new MalformedOperationException("CloudEvents subject '" + subject + "' differs from target_id '"
                    + event.targetId() + "'");
        }
        if (!type.equals(event.eventType())) {
            throw new MalformedOperationException("CloudEvents type '" + type + "' does not match state '"
                    + event.state().wire() + "'");
        }
        return new Read(id, event);
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null) {
            return null;
        }
        String value = new String(h.value(), StandardCharsets.UTF_8).trim();
        return value.isEmpty() ? null : value;
    }
}
