package io.dbautopilot.support.retry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetryTest {

    @Test
    void delaysDoubleUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350), 5);
        assertEquals(Duration.ZERO, b.delay(0));
        assertEquals(Duration.ofMillis(100), b.delay(1));
        assertEquals(Duration.ofMillis(200), b.delay(2));
        assertEquals(Duration.ofMillis(350), b.delay(3));
        assertEquals(Duration.ofMillis(350), b.delay(60));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 1));
    }

    @Test
    void retriesARetryableFailureTellingTheCallerEachTime() throws IOException {
        List<String> told = new ArrayList<>();
        String result = Retry.run(new Backoff(Duration.ofMillis(1), Duration.ofMillis(4), 3), IOException.class,
                e -> e.getMessage().equals("busy"), () -> false,
                (e, retry, wait) -> told.add(retry + ":" + wait.toMillis()),
                attempt -> {
                    if (attempt < 3) {
                        throw new IOException("busy");
                    }
                    return "done after " + attempt;
                });
        assertEquals("done after 3", result);
        assertEquals(List.of("1:1", "2:2"), told);
    }

    @Test
    void givesUpAfterTheRetriesWithTheLastFailure() {
        List<Integer> attempts = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> Retry.run(
                new Backoff(Duration.ZERO, Duration.ZERO, 2), IOException.class, x -> true, () -> false,
                (x, r, w) -> { }, attempt -> {
                    attempts.add(attempt);
                    throw new IOException("busy " + attempt);
                }));
        assertEquals("busy 3", e.getMessage());
        assertEquals(List.of(1, 2, 3), attempts);
    }

    @Test
    void doesNotRetryOtherFailuresOrWhenStopped() {
        IllegalStateException unexpected = new IllegalStateException("bug");
        assertSame(unexpected, assertThrows(IllegalStateException.class, () -> Retry.run(
                new Backoff(Duration.ZERO, Duration.ZERO, 5), IOException.class, x -> true, () -> false,
                (x, r, w) -> { }, attempt -> {
                    throw unexpected;
                })));
        List<Integer> attempts = new ArrayList<>();
        assertThrows(IOException.class, () -> Retry.run(new Backoff(Duration.ZERO, Duration.ZERO, 5),
                IOException.class, x -> !x.getMessage().equals("fatal"), () -> false, (x, r, w) -> { }, attempt -> {
                    attempts.add(attempt);
                    throw new IOException("fatal");
                }));
        assertEquals(List.of(1), attempts);

        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> stopped = new ArrayList<>();
        assertThrows(IOException.class, () -> Retry.run(new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30), 5),
                IOException.class, x -> true, stop::get, (x, r, w) -> stop.set(true), attempt -> {
                    stopped.add(attempt);
                    throw new IOException("busy");
                }));
        assertEquals(List.of(1), stopped, "a stop during the 30 s wait ends the loop without another attempt");
    }

    @Test
    void aScheduleSaysWhenTheNextAttemptIsDue() {
        RetrySchedule s = new RetrySchedule(Duration.ofSeconds(1), Duration.ofSeconds(3));
        java.time.Instant t = java.time.Instant.parse("2026-12-03T10:00:00Z");
        assertEquals(true, s.due(t));
        assertEquals(Duration.ofSeconds(1), s.failed(t));
        assertEquals(false, s.due(t.plusMillis(999)));
        assertEquals(true, s.due(t.plusSeconds(1)));
        assertEquals(Duration.ofSeconds(2), s.failed(t));
        assertEquals(Duration.ofSeconds(3), s.failed(t), "capped");
        assertEquals(3, s.failures());
        s.succeeded();
        assertEquals(true, s.due(t));
        assertEquals(Duration.ofSeconds(1), s.failed(t), "a success starts over");
        assertEquals(Duration.ofSeconds(2), new RetrySchedule(Duration.ofSeconds(5), Duration.ofSeconds(2)).failed(t),
                "an initial wait above the cap waits the cap");
    }
}
