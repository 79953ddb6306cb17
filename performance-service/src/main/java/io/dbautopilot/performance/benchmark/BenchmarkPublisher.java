package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.EventSources;
import io.dbautopilot.support.events.CloudEventWriter;
import io.dbautopilot.support.outbox.OutboxRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Sends one outbox row to {@code autopilot.benchmarks.v1} as a binary-mode CloudEvent (key and subject = target id,
 * id = the outbox event id); completes when the broker acknowledged it.
 */
@ApplicationScoped
public class BenchmarkPublisher {

    private final Emitter<String> emitter;

    public BenchmarkPublisher(@Channel("benchmarks") Emitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Sends the row's already validated JSON payload. */
    public Uni<Void> publish(OutboxRow row) {
        return CloudEventWriter.send(emitter, row.payload(), row.eventId(), row.type(), EventSources.PERFORMANCE_SERVICE,
                row.targetId(), row.occurredAt());
    }
}
