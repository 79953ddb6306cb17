package io.dbautopilot.performance.benchmark;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.support.outbox.OutboxRelay;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes unsent rows of {@code performance.benchmark_outbox} to {@code autopilot.benchmarks.v1} in order, on a
 * schedule, through the shared {@link OutboxRelay} (at least once, per-target order, one relay at a time across instances).
 */
@ApplicationScoped
public class BenchmarkRelay {

    private static final long LOCK_KEY = 0x62656E63686DL; // "benchm"

    private final OutboxRelay outbox;
    private final BenchmarkPublisher publisher;
    private final BenchmarkConfig config;

    public BenchmarkRelay(AgroalDataSource dataSource, BenchmarkPublisher publisher, BenchmarkConfig config) {
        this.outbox = new OutboxRelay("Benchmark", "performance.benchmark_outbox", "occurred_at", LOCK_KEY, dataSource);
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${autopilot.benchmark.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        relay();
    }

    /** Publishes unsent rows in order; returns how many were sent. */
    public int relay() {
        return outbox.drain(config.relayBatch(), config.publishTimeout(), publisher::publish);
    }
}
