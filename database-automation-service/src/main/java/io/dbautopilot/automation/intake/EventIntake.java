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
 * The consume flow every event intake shares: refuse a record larger than the intake parses ({@link EventSizeCheck}),
 * then on a worker thread check the record's CloudEvents source against the allowed ones ({@link EventSourceCheck}),
 * parse and check the record, record it exactly once (by CloudEvents id)
 * together with the operation the policy asks for on a worker thread, then acknowledge it. A record that can never
 * be processed is nacked, which dead-letters it to the topic's {@code .dlq} with the reason, and consumption carries
 * on. A state-database outage is not the record's fault: a transient failure (SQLSTATE class 08 connection, 53
 * insufficient resources, 57P operator intervention, 40001 serialization, 40P01 deadlock, or a pool/driver error with no
 * SQLSTATE such as a closed pool) is retried with back-off until the database is back, holding the partition (order
 * is kept and nothing is lost). Any other failure (a data error such as 22xxx or 23xxx) would fail the same way
 * forever: the record is dead-lettered with the SQLSTATE and the server's one-line message, and consumption carries on.
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
    private final EventSourceCheck sources;
    private final EventSizeCheck sizes;

    public EventIntake(MeterRegistry meters, ManagedExecutor workers, EventSourceCheck sources, EventSizeCheck sizes) {
        this.meters = meters;
        this.workers = workers;
        this.sources = sources;
        this.sizes = sizes;
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
        try {
            sizes.check(kafka.getRecord()); // before any parsing: a huge record is refused at once
        } catch (MalformedEventException e) {
            return deadLetter(message, kafka, topic, e);
        }
        // the schema check of a large record takes its time: off the Vert.x event loop, on a worker
        return Uni.createFrom().item(() -> check(message, kafka, parser, targetOf))
                .runSubscriptionOn(workers)
                .onItemOrFailure().transformToUni((checked, failure) -> {
                    if (failure instanceof MalformedEventException e) {
                        return deadLetter(message, kafka, topic, e);
                    }
                    if (failure != null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return record(message, kafka, topic, checked.origin(), checked.parsed(), recorder, describe);
                });
    }

    /** A parsed, checked record and where it came from. */
    private record Checked<P>(ProcessedEvents.Origin origin, P parsed) {
    }

    private <P> Checked<P> check(Message<String> message, IncomingKafkaRecordMetadata<?, ?> kafka, Parser<P> parser,
                                 Function<P, String> targetOf) {
        CloudEventHeaders ce = CloudEventHeaders.from(kafka.getHeaders());
        sources.check(ce.source());
        P parsed = parser.parse(ce.type(), ce.subject(), message.getPayload());
        return new Checked<>(new ProcessedEvents.Origin(ce.id(), ce.type(), ce.source(),
                ce.subject() != null ? ce.subject() : targetOf.apply(parsed),
                kafka.getTopic(), kafka.getPartition(), kafka.getOffset()), parsed);
    }

    private Uni<Void> deadLetter(Message<String> message, IncomingKafkaRecordMetadata<?, ?> kafka, String topic,
                                 MalformedEventException e) {
        LOG.warnf("Dead-lettering %s-%d@%d: %s", kafka.getTopic(), kafka.getPartition(), kafka.getOffset(), e.getMessage());
        count(topic, "dead_lettered");
        // The next record does not wait for this one's DLQ write: the dead-letter strategy acknowledges the record (and
        // so lets its offset be committed) only once the DLQ has it, so a crash before then reads it again; waiting
        // for each write made a flood of malformed records crawl (~47 records/s at load 45, one broker round trip
        // each) and held the valid events behind it for minutes. A failed DLQ write leaves the record unacknowledged:
        // the throttled commit strategy then reports the channel unhealthy, as a failed nack did before.
        message.nack(e).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.errorf("Dead-lettering %s-%d@%d failed: %s", kafka.getTopic(), kafka.getPartition(),
                        kafka.getOffset(), failure.toString());
            }
        });
        return Uni.createFrom().voidItem();
    }

    private <P> Uni<Void> record(Message<String> message, IncomingKafkaRecordMetadata<?, ?> kafka, String topic,
                                 ProcessedEvents.Origin origin, P parsed, Recorder<P> recorder,
                                 Function<P, String> describe) {
        return Uni.createFrom().item(() -> recorder.record(origin, parsed))
                .runSubscriptionOn(workers)
                .onFailure(EventIntake::transientFailure).invoke(e -> LOG.warnf(
                        "State database write failed for event %s, retrying: %s", origin.eventId(), e.getMessage()))
                .onFailure(EventIntake::transientFailure).retry()
                .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30)).indefinitely()
                .onItemOrFailure().transformToUni((recorded, failure) -> {
                    if (failure != null) {
                        RejectedEventException rejected = RejectedEventException.of(failure);
                        LOG.warnf("Dead-lettering %s-%d@%d (event %s): %s", kafka.getTopic(), kafka.getPartition(),
                                kafka.getOffset(), origin.eventId(), rejected.getMessage());
                        count(topic, "dead_lettered");
                        return Uni.createFrom().completionStage(message.nack(rejected));
                    }
                    if (recorded.isNew()) {
                        count(topic, "processed");
                        LOG.infof("%s recorded from event %s", describe.apply(parsed), origin.eventId());
                        recorded.operation().ifPresent(op -> LOG.infof("Operation %s %s: %s %s on %s (%s)", op.id(),
                                op.status().terminal() ? "recorded " + op.status().wire() : "requested",
                                op.type().wire(), op.object(), op.targetId(), op.mode()));
                    } else {
                        count(topic, "duplicate");
                        LOG.infof("Event %s was already processed: ignored", origin.eventId());
                    }
                    return Uni.createFrom().completionStage(message.ack());
                });
    }

    /**
     * Whether a failed write may succeed when retried: a lost or refused connection (08), insufficient resources (53),
     * operator intervention or shutdown (57P), a serialization failure (40001) or deadlock (40P01), a driver or pool
     * error without SQLSTATE (closed pool, acquisition timeout), or a rejected worker task.
     */
    static boolean transientFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.RejectedExecutionException
                    || t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                return state == null || state.isBlank() || state.startsWith("08") || state.startsWith("53")
                        || state.startsWith("57P") || state.equals("40001") || state.equals("40P01");
            }
        }
        return false;
    }

    private void count(String topic, String outcome) {
        meters.counter("autopilot_events_consumed", "topic", topic, "outcome", outcome).increment();
    }
}
