package io.dbautopilot.automation.operation;

import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.EventSources;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes unsent outbox rows to {@code autopilot.operations.v1} in id order as binary-mode CloudEvents keyed by
 * target id, and marks each row sent only after the broker acknowledged it (at-least-once; consumers dedupe by
 * event id). A session advisory lock lets one instance relay at a time, which keeps the order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay ("outbox" in ASCII). */
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private static final String UNSENT = """
            SELECT id, event_id, event_type, target_id, payload::text, created_at
              FROM automation.outbox WHERE sent_at IS NULL ORDER BY id LIMIT 200""";

    private final StateTransactions transactions;
    private final Emitter<String> emitter;
    private final MeterRegistry meters;

    public OutboxRelay(StateTransactions transactions, @Channel("operations") Emitter<String> emitter, MeterRegistry meters) {
        this.transactions = transactions;
        this.emitter = emitter;
        this.meters = meters;
    }

    @Scheduled(every = "${autopilot.operations.relay-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relay() {
        try {
            int sent = relayOnce();
            if (sent > 0) {
                LOG.debugf("Relayed %d operation events", sent);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Outbox relay failed, will retry: %s", e.getMessage());
        }
    }

    /** Publishes the unsent rows (if this instance gets the relay lock); returns how many were sent. */
    public int relayOnce() {
        return transactions.withConnection(tx -> {
            try (PreparedStatement lock = tx.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, RELAY_LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            int sent = 0;
            try (PreparedStatement unlock = tx.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, RELAY_LOCK);
                try (PreparedStatement ps = tx.prepareStatement(UNSENT);
                 PreparedStatement mark = tx.prepareStatement("UPDATE automation.outbox SET sent_at = now() WHERE id = ?");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    send(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getTimestamp(6).toInstant().atZone(ZoneOffset.UTC));
                    mark.setLong(1, id);
                    mark.executeUpdate(); // autocommit: each row is marked sent as soon as its ack arrived
                    sent++;
                    meters.counter("autopilot_operation_events_published").increment();
                }
                } finally {
                    unlock.execute();
                }
            }
            return sent;
        });
    }

    private void send(String eventId, String type, String targetId, String payload, java.time.ZonedDateTime time) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(eventId)
                .withType(type)
                .withSource(URI.create(EventSources.AUTOMATION_SERVICE))
                .withSubject(targetId)
                .withTimestamp(time)
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(targetId).build();
        Message<String> message = Message.of(payload).addMetadata(ce).addMetadata(kafka)
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    acked.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        try {
            acked.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("broker did not acknowledge event " + eventId + ": " + e.getMessage(), e);
        }
    }
}
