package io.dbautopilot.performance.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub never waits for a client: a client whose writes do not complete is dropped once it is a buffer behind,
 * while a client that keeps up gets every message, in order.
 */
class PushHubTest {

    private static final int BUFFER = 4;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PushHub hub = new PushHub(new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS), () -> BUFFER, meters);

    /** A client whose writes complete at once. */
    private static final class Fast implements PushHub.Sink {
        final List<String> got = new CopyOnWriteArrayList<>();
        final AtomicReference<String> dropped = new AtomicReference<>();

        @Override
        public Uni<Void> send(String text) {
            got.add(text);
            return Uni.createFrom().voidItem();
        }

        @Override
        public void drop(String reason) {
            dropped.set(reason);
        }
    }

    /** A client whose writes never complete (its socket buffer is full). */
    private static final class Stuck implements PushHub.Sink {
        final List<String> got = new ArrayList<>();
        final AtomicReference<String> dropped = new AtomicReference<>();

        @Override
        public synchronized Uni<Void> send(String text) {
            got.add(text);
            return Uni.createFrom().nothing();
        }

        @Override
        public void drop(String reason) {
            dropped.set(reason);
        }
    }

    private static PushMessage message(int i) {
        return new PushMessage(PushMessage.OPERATION, "demo", Instant.parse("2026-12-03T22:00:00Z"), Map.of("n", i));
    }

    @Test
    void aStuckClientIsDroppedABufferBehindAndTheOthersGetEverything() {
        Fast fast = new Fast();
        Stuck stuck = new Stuck();
        hub.connect("fast", fast);
        hub.connect("stuck", stuck);
        // one write in flight plus BUFFER queued are held for the stuck client; the next message drops it
        for (int i = 0; i < BUFFER + 1; i++) {
            hub.publish(message(i));
        }
        assertNull(stuck.dropped.get(), "a buffer's worth is held");
        assertEquals(2, hub.clients());
        hub.publish(message(BUFFER + 1));
        assertTrue(stuck.dropped.get().contains("more than " + BUFFER + " messages behind"), stuck.dropped.get());
        assertEquals(1, hub.clients());
        assertEquals(1.0, meters.counter("autopilot_push_clients_dropped_total").count());
        assertEquals(1, stuck.got.size(), "only the first write was ever started");

        for (int i = BUFFER + 2; i < 100; i++) {
            hub.publish(message(i));
        }
        assertEquals(100, fast.got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals("{\"type\":\"operation\",\"target_id\":\"demo\",\"at\":\"2026-12-03T22:00:00Z\",\"data\":{\"n\":" + i + "}}",
                    fast.got.get(i));
        }
        assertNull(fast.dropped.get());
    }

    @Test
    void aClientWhoseWritesCompleteLaterGetsTheQueuedMessagesInOrder() {
        List<io.smallrye.mutiny.subscription.UniEmitter<? super Void>> pending = new ArrayList<>();
        List<String> got = new ArrayList<>();
        hub.connect("later", new PushHub.Sink() {
            @Override
            public Uni<Void> send(String text) {
                got.add(text);
                return Uni.createFrom().emitter(pending::add);
            }

            @Override
            public void drop(String reason) {
                throw new AssertionError("dropped: " + reason);
            }
        });
        for (int i = 0; i < BUFFER + 1; i++) {
            hub.publish(message(i));
        }
        assertEquals(1, got.size(), "one write at a time");
        for (int i = 1; i <= BUFFER; i++) {
            pending.get(i - 1).complete(null);
            assertEquals(i + 1, got.size());
            assertTrue(got.get(i).contains("\"n\":" + i), got.get(i));
        }
        hub.disconnect("later");
        hub.publish(message(99));
        assertEquals(BUFFER + 1, got.size(), "nothing after the disconnect");
        assertEquals(0, hub.clients());
    }
}
