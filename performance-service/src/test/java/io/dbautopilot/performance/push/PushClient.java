package io.dbautopilot.performance.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) of {@code /api/ws} that keeps every message it received, for tests to wait for
 * the one they expect.
 */
final class PushClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> received = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;
    private volatile Integer closeCode;

    private PushClient(WebSocket.Builder builder, URI uri) throws Exception {
        socket = builder.buildAsync(uri, new Listener()).get(30, TimeUnit.SECONDS);
    }

    /** Opens a connection; the builder may carry headers or subprotocols. Fails as the handshake failed. */
    static PushClient open(URI uri, java.util.function.UnaryOperator<WebSocket.Builder> setup) throws Exception {
        return new PushClient(setup.apply(HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))), uri);
    }

    /** The subprotocol the server agreed to ("" for none). */
    String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Waits until a received message matches, returns it (the first match). */
    JsonNode await(Duration timeout, Predicate<JsonNode> match) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            int seen = 0;
            while (true) {
                for (; seen < received.size(); seen++) {
                    if (match.test(received.get(seen))) {
                        return received.get(seen);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching message within " + timeout + "; received " + received.size()
                            + " messages, types " + received.stream().map(m -> m.path("type").asText()).distinct().toList()
                            + (closeCode != null ? ", closed with " + closeCode : ""));
                }
                received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** The messages received so far that match. */
    List<JsonNode> received(Predicate<JsonNode> match) {
        synchronized (received) {
            return received.stream().filter(match).toList();
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(partial.toString());
                    synchronized (received) {
                        received.add(node);
                        received.notifyAll();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            synchronized (received) {
                received.notifyAll();
            }
            return null;
        }
    }
}
