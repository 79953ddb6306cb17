package io.dbautopilot.support.retry;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Runs an attempt and retries it on a retryable failure with a {@link Backoff}'s waits, telling the caller before
 * each wait (a progress event, a log line) and giving up early when asked to stop.
 *
 * <p>Hand-written rather than SmallRye Fault Tolerance's programmatic {@code Guard}: every retry here must publish a
 * progress event that names the attempt and the lock holder, and must stop between attempts when an operator
 * cancels, on the worker thread that already runs the operation; the loop is a dozen lines.
 */
public final class Retry {

    private Retry() {
    }

    /** One attempt; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run(int attempt) throws E;
    }

    /** Told before each wait: the failure, the retry about to come (1-based) and the wait before it. */
    @FunctionalInterface
    public interface BeforeRetry<E extends Exception> {
        void before(E failure, int retry, Duration wait) throws E;
    }

    /**
     * Runs {@code attempt} until it succeeds, the failure is not a {@code type} that is {@code retryable}, the
     * retries of {@code backoff} are spent or {@code stop} says so; then throws the last failure unchanged.
     */
    public static <T, E extends Exception> T run(Backoff backoff, Class<E> type, Predicate<? super E> retryable,
                                                 BooleanSupplier stop, BeforeRetry<E> beforeRetry,
                                                 Attempt<T, E> attempt) throws E {
        for (int n = 1; ; n++) {
            E failure;
            try {
                return attempt.run(n);
            } catch (RuntimeException e) {
                if (!type.isInstance(e)) {
                    throw e;
                }
                failure = type.cast(e);
            } catch (Exception e) {
                failure = type.cast(e); // the only checked exception an Attempt<T, E> may throw is an E
            }
            if (n > backoff.maxRetries() || !retryable.test(failure) || stop.getAsBoolean()) {
                throw failure;
            }
            Duration wait = backoff.delay(n);
            beforeRetry.before(failure, n, wait);
            if (!sleep(wait, stop)) {
                throw failure;
            }
        }
    }

    /** Sleeps {@code wait} in short slices; false when {@code stop} said so or the thread was interrupted. */
    public static boolean sleep(Duration wait, BooleanSupplier stop) {
        long end = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toNanos(); left > 0; left = end - System.nanoTime()) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            }
            return !stop.getAsBoolean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
