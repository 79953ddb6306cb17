package io.dbautopilot.performance.operations;

import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.OperationEvent;
import io.dbautopilot.support.events.CloudEventData;
import io.dbautopilot.support.events.CloudEventHeaders;
import io.dbautopilot.support.events.MalformedEventException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one binary-mode CloudEvents record of {@code autopilot.operations.v1} into an {@link OperationEvent}, or
 * says precisely why it cannot ({@link MalformedEventException}), through the shared CloudEvent reader: a bad record
 * is skipped with a reason instead of failing the whole channel.
 */
@ApplicationScoped
public class OperationRecordReader {

    /** A checked record: its CloudEvents id and the event. */
    public record Read(String eventId, OperationEvent event) {
    }

    private final CloudEventData data;

    public OperationRecordReader(CloudEventData data) {
        this.data = data;
    }

    /** Reads one record. */
    public Read read(Headers headers, String value) {
        CloudEventHeaders ce = CloudEventHeaders.from(headers);
        OperationEvent event = data.read(EventKind.OPERATION, "operation", OperationEvent.class, ce.type(), value).event();
        if (ce.subject() != null && !ce.subject().equals(event.targetId())) {
            throw new MalformedEventException("CloudEvents subject '" + ce.subject() + "' differs from target_id '"
                    + event.targetId() + "'");
        }
        if (!ce.type().equals(event.eventType())) {
            throw new MalformedEventException("CloudEvents type '" + ce.type() + "' does not match state '"
                    + event.state().wire() + "'");
        }
        return new Read(ce.id(), event);
    }
}
