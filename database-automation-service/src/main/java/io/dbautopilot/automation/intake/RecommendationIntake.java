package io.dbautopilot.automation.intake;

import io.dbautopilot.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Consumes {@code autopilot.recommendations.v1}: each event is checked against its schema, recorded exactly once
 * (by CloudEvents id) together with the operation the policy asks for, and acknowledged; a record that can never be
 * processed is dead-lettered to {@code autopilot.recommendations.v1.dlq} with the reason. A state-database outage
 * holds the partition and is retried with back-off, as in {@link AnomalyIntake}.
 */
@ApplicationScoped
public class RecommendationIntake {

    private static final Logger LOG = Logger.getLogger(RecommendationIntake.class);

    private final RecommendationEventParser parser;
    private final ProcessedEvents processed;
    private final MeterRegistry meters;
    private final ManagedExecutor workers;

    public RecommendationIntake(RecommendationEventParser parser, ProcessedEvents processed, MeterRegistry meters,
                                ManagedExecutor workers) {
        this.parser = parser;
        this.processed = processed;
        this.meters = meters;
        this.workers = workers;
    }

    @Incoming("recommendations")
    public Uni<Void> consume(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        ProcessedEvents.Origin origin;
        RecommendationEventParser.Parsed parsed;
        try {
            CloudEventHeaders ce = CloudEventHeaders.from(kafka.getHeaders());
            parsed = parser.parse(ce.type(), ce.subject(), message.getPayload());
            origin = new ProcessedEvents.Origin(ce.id(), ce.type(), ce.source(),
                    ce.subject() != null ? ce.subject() : parsed.event().targetId(),
                    kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
        } catch (MalformedEventException e) {
            LOG.warnf("Dead-lettering %s-%d@%d: %s", kafka.getTopic(), kafka.getPartition(), kafka.getOffset(), e.getMessage());
            count("dead_lettered");
            return Uni.createFrom().completionStage(message.nack(e));
        }
        return Uni.createFrom().item(() -> processed.recordRecommendation(origin, parsed.event(), parsed.json()))
                .runSubscriptionOn(workers)
                .onFailure().invoke(e -> LOG.warnf("State database write failed for event %s, retrying: %s",
                        origin.eventId(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30)).indefinitely()
                .chain(recorded -> {
                    if (recorded.isNew()) {
                        count("processed");
                        LOG.infof("Recommendation %s %s on %s (%s) recorded from event %s", parsed.event().kind(),
                                parsed.event().state().wire(), parsed.event().targetId(), parsed.event().object(),
                                origin.eventId());
                        recorded.operation().ifPresent(op -> LOG.infof("Operation %s requested: %s %s on %s (%s)",
                                op.id(), op.type().wire(), op.object(), op.targetId(), op.mode()));
                    } else {
                        count("duplicate");
                        LOG.infof("Event %s was already processed: ignored", origin.eventId());
                    }
                    return Uni.createFrom().completionStage(message.ack());
                });
    }

    private void count(String outcome) {
        meters.counter("autopilot_events_consumed", "topic", Topics.RECOMMENDATIONS, "outcome", outcome).increment();
    }
}
