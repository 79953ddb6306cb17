package io.dbautopilot.performance.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands every {@link PushMessage} to every connected client without ever waiting for one: a message is serialised
 * once, queued per client and written one at a time as the previous write completes; a client whose queue reaches
 * {@link PushConfig#buffer()} is disconnected (it reconnects) instead of holding the sources up.
 */
@ApplicationScoped
public class PushHub {

    private static final Logger LOG = Logger.getLogger(PushHub.class);

    /** A connected client as the hub sees it: how to write a text frame to it and how to drop it. */
    public interface Sink {

        /** Writes one text message; the Uni completes once it was written. */
        Uni<Void> send(String text);

        /** Closes the connection because the client fell too far behind. */
        void drop(String reason);
    }

    private final ObjectMapper json;
    private final int bound;
    private final Counter dropped;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    public PushHub(ObjectMapper json, PushConfig config, MeterRegistry meters) {
        this.json = json;
        this.bound = config.buffer();
        this.dropped = Counter.builder("autopilot_push_clients_dropped_total")
                .description("WebSocket clients disconnected for falling too far behind").register(meters);
        meters.gaugeMapSize("autopilot_push_clients", java.util.List.of(), clients);
    }

    /** Registers a client under its connection id. */
    public void connect(String id, Sink sink) {
        clients.put(id, new Client(id, sink));
    }

    /** Forgets a client (its connection closed). */
    public void disconnect(String id) {
        Client c = clients.remove(id);
        if (c != null) {
            c.close();
        }
    }

    /** Connected clients. */
    public int clients() {
        return clients.size();
    }

    /** Queues the message for every connected client; never blocks. */
    public void publish(PushMessage message) {
        if (clients.isEmpty()) {
            return;
        }
        String text;
        try {
            text = json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            LOG.errorf(e, "Push message %s of %s not serialisable", message.type(), message.targetId());
            return;
        }
        clients.values().forEach(c -> c.offer(text));
    }

    /** One client's queue: at most one write in flight, at most {@code bound} messages waiting behind it. */
    private final class Client {

        private final String id;
        private final Sink sink;
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private boolean writing;
        private boolean closed;

        Client(String id, Sink sink) {
            this.id = id;
            this.sink = sink;
        }

        void offer(String text) {
            String now;
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (writing) {
                    if (queue.size() < bound) {
                        queue.addLast(text);
                        return;
                    }
                    closed = true;
                    queue.clear();
                    now = null;
                } else {
                    writing = true;
                    now = text;
                }
            }
            if (now == null) {
                tooSlow();
            } else {
                write(now);
            }
        }

        private void write(String text) {
            sink.send(text).subscribe().with(ok -> written(), failure -> {
                LOG.debugf("Push to client %s failed: %s", id, failure.getMessage());
                disconnect(id);
            });
        }

        private void written() {
            String next;
            synchronized (this) {
                next = closed ? null : queue.pollFirst();
                if (next == null) {
                    writing = false;
                    return;
                }
            }
            write(next);
        }

        private void tooSlow() {
            clients.remove(id, this);
            dropped.increment();
            LOG.infof("WebSocket client %s fell %d messages behind: disconnected", id, bound);
            sink.drop("client too slow: more than " + bound + " messages behind");
        }

        synchronized void close() {
            closed = true;
            queue.clear();
        }
    }
}
