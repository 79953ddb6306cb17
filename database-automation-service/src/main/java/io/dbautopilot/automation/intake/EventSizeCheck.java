package io.dbautopilot.automation.intake;

import io.dbautopilot.support.events.DeadLetterValueSerializer;
import io.dbautopilot.support.events.MalformedEventException;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Refuses a record whose value exceeds {@code autopilot.intake.max-event-bytes} before anything parses it, so a huge
 * record is dead-lettered at once instead of holding a thread in the JSON schema check. Checked at start.
 */
@Startup
@ApplicationScoped
public class EventSizeCheck {

    private final IntakeConfig config;

    public EventSizeCheck(IntakeConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        if (config.maxEventBytes() <= 0) {
            throw new IllegalArgumentException("autopilot.intake.max-event-bytes: must be a positive number of bytes, was "
                    + config.maxEventBytes());
        }
    }

    /** Throws {@link MalformedEventException} (the record is dead-lettered with that reason) when the value is too large. */
    public void check(ConsumerRecord<?, ?> record) {
        int size = record.serializedValueSize();
        if (size > config.maxEventBytes()) {
            throw new MalformedEventException("value of " + size + " bytes exceeds autopilot.intake.max-event-bytes ("
                    + config.maxEventBytes() + "): not parsed; a dead-letter copy too large for the DLQ keeps the value's "
                    + "size, SHA-256 and first " + DeadLetterValueSerializer.PREFIX_BYTES + " bytes (headers "
                    + DeadLetterValueSerializer.TRUNCATED + ", " + DeadLetterValueSerializer.SIZE + ", "
                    + DeadLetterValueSerializer.SHA256 + ")");
        }
    }
}
