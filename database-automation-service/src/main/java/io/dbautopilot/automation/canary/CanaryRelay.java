package io.dbautopilot.automation.canary;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.support.events.CloudEventWriter;
import io.dbautopilot.support.outbox.OutboxRelay;
import io.dbautopilot.support.outbox.OutboxRow;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.time.Duration;

/**
 * Publishes unsent rows of {@code automation.canary_outbox} to {@code autopilot.canary.v1} through the shared
 * {@link OutboxRelay} (in order, marked sent after the broker's ack, one relay at a time across instances).
 */
@ApplicationScoped
public class CanaryRelay {

    /** Advisory lock key of the relay ("canaryo" in ASCII). */
    private static final long RELAY_LOCK = 0x63616e6172796fL;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final OutboxRelay outbox;
    private final Emitter<String> emitter;

    public CanaryRelay(AgroalDataSource dataSource, @Channel("canary") Emitter<String> emitter) {
        this.outbox = new OutboxRelay("Canary", "automation.canary_outbox", "created_at", RELAY_LOCK, dataSource);
        this.emitter = emitter;
    }

    @Scheduled(every = "${autopilot.operations.relay-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relay() {
        relayOnce();
    }

    /** Publishes the unsent rows (if this instance gets the relay lock); returns how many were sent. */
    public int relayOnce() {
        return outbox.drain(100, PUBLISH_TIMEOUT, this::send);
    }

    private io.smallrye.mutiny.Uni<Void> send(OutboxRow row) {
        return CloudEventWriter.send(emitter, row.payload(), row.eventId(), row.type(), EventSources.AUTOMATION_SERVICE,
                row.targetId(), row.occurredAt());
    }
}
