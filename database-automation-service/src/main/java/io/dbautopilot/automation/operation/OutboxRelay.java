package io.dbautopilot.automation.operation;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.support.events.CloudEventWriter;
import io.dbautopilot.support.outbox.OutboxRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Publishes unsent rows of {@code automation.outbox} to {@code autopilot.operations.v1} on a schedule, through the
 * shared {@link io.dbautopilot.support.outbox.OutboxRelay} (in id order, each marked sent only after the broker's
 * ack, one relay at a time across instances; consumers dedupe by event id).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay ("outbox" in ASCII). */
    private static final long RELAY_LOCK = 0x6f7574626f78L;
    private static final int BATCH = 200;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final io.dbautopilot.support.outbox.OutboxRelay outbox;
    private final Emitter<String> emitter;
    private final Counter published;

    public OutboxRelay(AgroalDataSource dataSource, @Channel("operations") Emitter<String> emitter, MeterRegistry meters) {
        this.outbox = new io.dbautopilot.support.outbox.OutboxRelay("Operation", "automation.outbox", "created_at",
                RELAY_LOCK, dataSource);
        this.emitter = emitter;
        this.published = meters.counter("autopilot_operation_events_published");
    }

    @Scheduled(every = "${autopilot.operations.relay-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relay() {
        int sent = relayOnce();
        if (sent > 0) {
            LOG.debugf("Relayed %d operation events", sent);
        }
    }

    /** Publishes the unsent rows (if this instance gets the relay lock); returns how many were sent. */
    public int relayOnce() {
        return outbox.drain(BATCH, PUBLISH_TIMEOUT, this::send);
    }

    private io.smallrye.mutiny.Uni<Void> send(OutboxRow row) {
        return CloudEventWriter.send(emitter, row.payload(), row.eventId(), row.type(), EventSources.AUTOMATION_SERVICE,
                row.targetId(), row.occurredAt()).invoke(() -> published.increment());
    }
}
