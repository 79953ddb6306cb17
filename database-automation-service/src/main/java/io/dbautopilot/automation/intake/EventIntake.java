package io.dbautopilot.automation.intake;

import io.dbautopilot.support.events.MalformedEventException;
import io.dbautopilot.support.events.CloudEventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Function;

/**
 * The consume flow every event intake shares: parse and check a record, record it exactly once (by CloudEvents id)
 * together with the operation the policy asks for on a worker thread, then acknowledge it. A record that can never
 * be processed is nacked, which dead-letters it to the topic's {@code .dlq} with the reason, and consumption carries
 * on. A state-database outage is not the record's fault: the write is retried with back-off until the database is
 * back, holding the partition (order is kept and nothing is lost or dead-lettered).
 */
@ApplicationScoped
public class EventIntake {

    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    /** Parses and checks a record's data; throws {@link MalformedEventException} for a record to dead-letter. */
    @FunctionalInterface
    public interface Parser<P> {
        P parse(String type, String subject, String data);
    }

    /** Records a parsed event exactly once; runs on a worker thread. */
    @FunctionalInterface
    public interface Recorder<P> {
        ProcessedEvents.Recorded record(ProcessedEvents.Origin origin, P parsed);
    }

    private final MeterRegistry meters;
    private final ManagedExecutor workers;

    public EventIntake(MeterRegistry meters, ManagedExecutor workers) {
        this.meters = meters;
        this.workers = workers;
    }

    /**
     * Consumes one record of {@code topic}.
     *
     * @param targetOf the event's target id, when the record has no CloudEvents subject
     * @param describe the log line for a newly recorded event
     */
    public <P> Uni<Void> consume(Message<String> message, String topic, Parser<P> parser, Function<P, String> targetOf,
                                 Recorder<P> recorder, Function<P, String> describe) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        ProcessedEvents.Origin origin;
        P parsed;
        try {
            CloudEventHeaders ce = CloudEventHeaders.from(kafka.getHeaders());
            parsed = parser.parse(ce.type(), ce.subject(), message.getPayload());
            origin = new ProcessedEvents.Origin(ce.id(), ce.type(), ce.source(),
                    ce.subject() != null ? ce.subject() : targetOf.apply(parsed),
                    kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
        } catch (MalformedEventException e) {
            LOG.warnf("Dead-lettering %s-%d@%d: %s", kafka.getTopic(), kafka.getPartition(), kafka.getOffset(), e.getMessage());
            count(topic, "dead_lettered");
            return Uni.createFrom().completionStage(message.nack(e));
        }
        return Uni.createFrom().item(() -> recorder.record(origin, parsed))
                .runSubscriptionOn(workers)
                .onFailure().invoke(e -> LOG.warnf("State database write failed for event %s, retrying: %s",
                        origin.eventId(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30)).indefinitely()
                .chain(recorded -> {
                    if (recorded.isNew()) {
                        count(topic, "processed");
                        LOG.infof("%s recorded from event %s", describe.apply(parsed), origin.eventId());
                        recorded.operation().ifPresent(op -> LOG.infof("Operation %s requested: %s %s on %s (%s)",
                                op.id(), op.type().wire(), op.object(), op.targetId(), op.mode()));
                    } else {
                        count(topic, "duplicate");
                        LOG.infof("Event %s was already processed: ignored", origin.eventId());
                    }
                    return Uni.createFrom().completionStage(message.ack());
                });
    }

    private void count(String topic, String outcome) {
        meters.counter("autopilot_events_consumed", "topic", topic, "outcome", outcome).increment();
    }
}
