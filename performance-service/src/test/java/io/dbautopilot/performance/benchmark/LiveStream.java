package io.dbautopilot.performance.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The dashboard's server-sent event stream read over real HTTP: every event as its name and data. */
final class LiveStream implements AutoCloseable {

    /** One server-sent event; name null for unnamed events. */
    record Event(String name, String data) {
    }

    private final List<Event> events = new ArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    LiveStream(URI uri) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        response = client.sendAsync(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            String[] name = {null};
            StringBuilder data = new StringBuilder();
            r.body().forEach(line -> {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        synchronized (events) {
                            events.add(new Event(name[0], data.toString()));
                        }
                    }
                    name[0] = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name[0] = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            });
        });
    }

    /** Waits up to {@code seconds} for an event matching {@code wanted}. */
    Event await(int seconds, String what, Predicate<Event> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (events) {
                for (Event e : events) {
                    if (wanted.test(e)) {
                        return e;
                    }
                }
            }
            Thread.sleep(100);
        }
        synchronized (events) {
            throw new AssertionError("no server-sent event " + what + " within " + seconds + " s; saw "
                    + events.stream().map(e -> String.valueOf(e.name())).distinct().toList());
        }
    }

    @Override
    public void close() {
        response.cancel(true);
        response.thenAccept(r -> r.body().close());
    }
}
