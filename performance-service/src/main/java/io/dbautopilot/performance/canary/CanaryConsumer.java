package io.dbautopilot.performance.canary;

import io.dbautopilot.model.CanaryEvent;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.Topics;
import io.dbautopilot.support.events.CloudEventData;
import io.dbautopilot.support.events.CloudEventHeaders;
import io.dbautopilot.support.events.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code autopilot.canary.v1} into the {@link CanaryWatch}. Like the operations timeline, every instance reads
 * the whole topic from the earliest retained offset at every start (its own consumer group, nothing committed), so the
 * watchdog knows each target's last run after a restart. A malformed record is logged, counted
 * ({@code autopilot_events_consumed{topic="autopilot.canary.v1",outcome="malformed"}}) and skipped.
 */
@ApplicationScoped
public class CanaryConsumer {

    private static final Logger LOG = Logger.getLogger(CanaryConsumer.class);

    private final CloudEventData data;
    private final CanaryWatch watch;
    private final MeterRegistry meters;

    public CanaryConsumer(CloudEventData data, CanaryWatch watch, MeterRegistry meters) {
        this.data = data;
        this.watch = watch;
        this.meters = meters;
    }

    @Incoming("canary")
    public Uni<Void> consume(Message<String> message) {
        return Uni.createFrom().item(() -> {
                    process(message);
                    return null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(x -> Uni.createFrom().completionStage(message.ack()));
    }

    private void process(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        CanaryEvent event;
        String id;
        try {
            CloudEventHeaders ce = CloudEventHeaders.from(kafka.getHeaders());
            event = data.read(EventKind.CANARY, "canary", CanaryEvent.class, ce.type(), message.getPayload()).event();
            if (ce.subject() != null && !ce.subject().equals(event.targetId())) {
                throw new MalformedEventException("CloudEvents subject '" + ce.subject() + "' differs from target_id '"
                        + event.targetId() + "'");
            }
            id = ce.id();
        } catch (MalformedEventException e) {
            LOG.warnf("Skipping malformed record %s-%d@%d: %s", kafka.getTopic(), kafka.getPartition(), kafka.getOffset(),
                    e.getMessage());
            count("malformed");
            return;
        }
        if (!watch.record(id, event)) {
            count("duplicate");
            return;
        }
        count("processed");
        if (event.failed()) {
            LOG.warnf("Canary on %s failed at %s: %s", event.targetId(), event.failedStage(), event.reason());
        } else {
            LOG.debugf("Canary on %s: %s", event.targetId(), event.status());
        }
    }

    private void count(String outcome) {
        meters.counter("autopilot_events_consumed", "topic", Topics.CANARY, "outcome", outcome).increment();
    }
}
