package io.dbautopilot.performance.operations;

import io.dbautopilot.support.events.MalformedEventException;
import io.dbautopilot.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code autopilot.operations.v1} into the {@link OperationTimeline} and fires an {@link ObservedOperation}
 * per new event (on a worker thread, so observers may block).
 *
 * <p>Every instance reads the whole topic from the earliest retained offset at every start (its own consumer group,
 * nothing committed), so a restarted instance knows which operations are running. A malformed record is logged,
 * counted ({@code autopilot_events_consumed{topic="autopilot.operations.v1",outcome="malformed"}}) and skipped:
 * a dead-letter topic would get the same record again at every start of every instance.
 */
@ApplicationScoped
public class OperationsConsumer {

    private static final Logger LOG = Logger.getLogger(OperationsConsumer.class);

    private final OperationRecordReader reader;
    private final OperationTimeline timeline;
    private final Event<ObservedOperation> observed;
    private final MeterRegistry meters;

    public OperationsConsumer(OperationRecordReader reader, OperationTimeline timeline, Event<ObservedOperation> observed,
                              MeterRegistry meters) {
        this.reader = reader;
        this.timeline = timeline;
        this.observed = observed;
        this.meters = meters;
    }

    @Incoming("operations")
    public Uni<Void> consume(Message<String> message) {
        // Reading (schema validation) and observers run on a worker thread, never on the event loop.
        return Uni.createFrom().item(() -> {
                    process(message);
                    return null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(x -> Uni.createFrom().completionStage(message.ack()));
    }

    private void process(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        OperationRecordReader.Read read;
        try {
            read = reader.read(kafka.getHeaders(), message.getPayload());
        } catch (MalformedEventException e) {
            LOG.warnf("Skipping malformed record %s-%d@%d: %s", kafka.getTopic(), kafka.getPartition(), kafka.getOffset(),
                    e.getMessage());
            count("malformed");
            return;
        }
        if (!timeline.record(read.eventId(), read.event())) {
            count("duplicate");
            return;
        }
        count("processed");
        LOG.debugf("Operation %s %s %s on %s", read.event().operationId(), read.event().type(),
                read.event().state().wire(), read.event().targetId());
        try {
            observed.fire(new ObservedOperation(read.eventId(), read.event(), OperationEntry.isRunning(read.event())));
        } catch (RuntimeException e) {
            LOG.warnf(e, "An observer of operation event %s failed", read.eventId());
        }
    }

    private void count(String outcome) {
        meters.counter("autopilot_events_consumed", "topic", Topics.OPERATIONS, "outcome", outcome).increment();
    }
}
