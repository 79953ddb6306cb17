package io.dbautopilot.performance.benchmark;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/** Broadcasts {@link BenchmarkMessage}s to every open live stream of the dashboard. */
@ApplicationScoped
public class BenchmarkFeed {

    /** Messages a slow stream may fall behind by before it is dropped (and reconnects). */
    static final int BUFFER = 512;

    private final BroadcastProcessor<BenchmarkMessage> broadcast = BroadcastProcessor.create();

    /** Sends a message to every open stream. */
    public synchronized void publish(BenchmarkMessage message) {
        broadcast.onNext(message);
    }

    /** Messages as they come, from now on; each subscriber gets its own buffer. */
    public Multi<BenchmarkMessage> stream() {
        return broadcast.onOverflow().buffer(BUFFER);
    }
}
