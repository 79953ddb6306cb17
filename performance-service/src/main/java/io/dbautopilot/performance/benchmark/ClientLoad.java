package io.dbautopilot.performance.benchmark;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A closed-loop load of {@code n} clients, each on a thread of its own, each running its transaction again as soon as
 * the previous one ended, for a duration: the client-side time of every transaction (for percentiles), the count (for
 * TPS) and a progress report per second; stopped (with an {@link InterruptedIOException}) when the run is cancelled or
 * reaches its deadline.
 */
final class ClientLoad {

    /** One client: its transaction, and what it holds (a connection) released on close. */
    interface Client extends AutoCloseable {
        void transaction() throws SQLException;

        /** Undoes a transaction that failed with a deadlock or lock wait timeout (the client goes on with its next). */
        default void rollback() throws SQLException {
        }

        @Override
        void close() throws SQLException;
    }

    /** Opens client {@code index} (0-based) before the clock starts. */
    @FunctionalInterface
    interface Clients {
        Client open(int index) throws SQLException;
    }

    /**
     * What a load measured.
     *
     * @param transactions completed transactions
     * @param seconds      from the start until the last client's last transaction ended
     * @param latenciesMs  every completed transaction's time in ms, sorted ascending
     * @param failures     transactions that failed with a deadlock or lock wait timeout, rolled back and left out
     */
    record Result(long transactions, double seconds, double[] latenciesMs, long failures) {

        double tps() {
            return transactions / Math.max(0.001, seconds);
        }
    }

    private static final long OPEN_TIMEOUT_S = 60;
    private static final long DRAIN_TIMEOUT_S = 30;

    private ClientLoad() {
    }

    static Result run(String step, int clients, Clients factory, Duration duration,
                      Consumer<PgbenchOutput.Progress> progress, BooleanSupplier stop, Instant deadline)
            throws SQLException, IOException {
        ExecutorService threads = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "benchmark-client-" + step);
            t.setDaemon(true);
            return t;
        });
        CountDownLatch opened = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean halt = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong count = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        long[] startAndEnd = new long[2];
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            int index = i;
            long[][] own = {new long[1024]};
            int[] size = {0};
            threads.execute(() -> {
                try (Client client = factory.open(index)) {
                    opened.countDown();
                    go.await();
                    long end = startAndEnd[1];
                    while (!halt.get()) {
                        long t0 = System.nanoTime();
                        if (t0 - end >= 0) {
                            break;
                        }
                        try {
                            client.transaction();
                        } catch (SQLException e) {
                            if (!lockConflict(e)) {
                                throw e;
                            }
                            failures.incrementAndGet();
                            client.rollback();
                            continue;
                        }
                        long t1 = System.nanoTime();
                        if (size[0] == own[0].length) {
                            own[0] = Arrays.copyOf(own[0], own[0].length * 2);
                        }
                        own[0][size[0]++] = t1 - t0;
                        count.incrementAndGet();
                        nanos.addAndGet(t1 - t0);
                        lastEnd.accumulateAndGet(t1, Math::max);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    halt.set(true);
                    opened.countDown();
                } finally {
                    synchronized (latencies) {
                        latencies.add(Arrays.copyOf(own[0], size[0]));
                    }
                    finished.countDown();
                }
            });
        }
        try {
            awaitOpened(opened, failure, stop, deadline);
            startAndEnd[0] = System.nanoTime();
            startAndEnd[1] = startAndEnd[0] + duration.toNanos();
            go.countDown();
            watch(startAndEnd[0], count, nanos, finished, halt, progress, stop, deadline);
        } finally {
            halt.set(true);
            go.countDown();
            threads.shutdown();
            try {
                if (!threads.awaitTermination(DRAIN_TIMEOUT_S, TimeUnit.SECONDS)) {
                    threads.shutdownNow();
                }
            } catch (InterruptedException e) {
                threads.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        Exception failed = failure.get();
        if (failed instanceof SQLException sql) {
            throw sql;
        }
        if (failed != null) {
            throw new IOException(step + ": " + failed.getMessage(), failed);
        }
        double[] ms;
        synchronized (latencies) {
            ms = latencies.stream().flatMapToLong(Arrays::stream).mapToDouble(n -> n / 1e6).toArray();
        }
        Arrays.sort(ms);
        double seconds = (Math.max(lastEnd.get(), startAndEnd[1]) - startAndEnd[0]) / 1e9;
        return new Result(count.get(), seconds, ms, failures.get());
    }

    /** Whether a transaction failed in a way a client goes on after: a deadlock or a lock wait timeout. */
    static boolean lockConflict(SQLException e) {
        return e.getErrorCode() == 1213 || e.getErrorCode() == 1205 || "40001".equals(e.getSQLState());
    }

    private static void awaitOpened(CountDownLatch opened, AtomicReference<Exception> failure, BooleanSupplier stop,
                                    Instant deadline) throws IOException {
        Instant giveUp = Instant.now().plusSeconds(OPEN_TIMEOUT_S);
        try {
            while (!opened.await(100, TimeUnit.MILLISECONDS)) {
                stopped(stop, deadline);
                if (Instant.now().isAfter(giveUp)) {
                    throw new IOException("the clients could not all connect within " + OPEN_TIMEOUT_S + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("benchmark interrupted");
        }
        if (failure.get() != null) {
            return; // reported once the threads ended
        }
        stopped(stop, deadline);
    }

    private static void watch(long start, AtomicLong count, AtomicLong nanos, CountDownLatch finished,
                              AtomicBoolean halt, Consumer<PgbenchOutput.Progress> progress, BooleanSupplier stop,
                              Instant deadline) throws IOException {
        long lastReport = start;
        long lastCount = 0;
        long lastNanos = 0;
        try {
            while (!finished.await(100, TimeUnit.MILLISECONDS)) {
                if (halt.get()) {
                    continue;
                }
                stopped(stop, deadline);
                long now = System.nanoTime();
                if (now - lastReport >= 1_000_000_000L) {
                    long c = count.get();
                    long n = nanos.get();
                    double tps = (c - lastCount) / ((now - lastReport) / 1e9);
                    double latency = c > lastCount ? (n - lastNanos) / 1e6 / (c - lastCount) : 0;
                    progress.accept(new PgbenchOutput.Progress((now - start) / 1e9, tps, latency));
                    lastReport = now;
                    lastCount = c;
                    lastNanos = n;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("benchmark interrupted");
        }
    }

    private static void stopped(BooleanSupplier stop, Instant deadline) throws InterruptedIOException {
        if (stop.getAsBoolean()) {
            throw new InterruptedIOException("benchmark stopped");
        }
        if (!Instant.now().isBefore(deadline)) {
            throw new InterruptedIOException("benchmark timed out");
        }
    }
}
