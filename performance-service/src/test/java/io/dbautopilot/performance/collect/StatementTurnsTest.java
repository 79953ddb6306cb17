package io.dbautopilot.performance.collect;

import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One statement at a time per target, in arrival order; failures and callers that give up free the turn. */
class StatementTurnsTest {

    /** A statement whose answer the test delivers by hand. */
    private static final class Pending {
        final AtomicReference<UniEmitter<? super String>> emitter = new AtomicReference<>();
        final AtomicInteger started = new AtomicInteger();

        Uni<String> statement() {
            started.incrementAndGet();
            return Uni.createFrom().<String>emitter(emitter::set);
        }
    }

    @Test
    void aSecondStatementStartsOnlyWhenTheFirstAnswered() throws Exception {
        StatementTurns turns = new StatementTurns();
        Pending first = new Pending();
        Pending second = new Pending();
        CompletableFuture<String> a = turns.run(first::statement).subscribeAsCompletionStage();
        CompletableFuture<String> b = turns.run(second::statement).subscribeAsCompletionStage();
        assertEquals(1, first.started.get());
        assertEquals(0, second.started.get(), "the second waits for its turn");
        assertEquals(1, turns.waiting());
        first.emitter.get().complete("a");
        assertEquals("a", a.get());
        assertEquals(1, second.started.get(), "the first answer hands the turn on");
        second.emitter.get().complete("b");
        assertEquals("b", b.get());
        assertEquals(0, turns.waiting());
    }

    @Test
    void aFailedStatementFreesTheTurn() throws Exception {
        StatementTurns turns = new StatementTurns();
        Pending first = new Pending();
        CompletableFuture<String> a = turns.run(first::statement).subscribeAsCompletionStage();
        CompletableFuture<String> b = turns.run(() -> Uni.createFrom().item("b")).subscribeAsCompletionStage();
        first.emitter.get().fail(new IllegalStateException("statement timeout"));
        assertTrue(a.isCompletedExceptionally());
        assertEquals("b", b.get());
        assertEquals("c", turns.run(() -> Uni.createFrom().item("c")).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void aCallerThatGivesUpWhileWaitingLeavesTheQueue() throws Exception {
        StatementTurns turns = new StatementTurns();
        Pending first = new Pending();
        Pending abandoned = new Pending();
        turns.run(first::statement).subscribeAsCompletionStage();
        Uni<String> waiting = turns.run(abandoned::statement).ifNoItem().after(Duration.ofMillis(50)).fail();
        assertThrows(TimeoutException.class, () -> waiting.await().atMost(Duration.ofSeconds(5)));
        assertEquals(0, turns.waiting(), "the caller that timed out is no longer queued");
        first.emitter.get().complete("a");
        assertEquals(0, abandoned.started.get(), "its statement never runs");
        assertEquals("d", turns.run(() -> Uni.createFrom().item("d")).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void statementsRunInArrivalOrder() {
        StatementTurns turns = new StatementTurns();
        Pending first = new Pending();
        List<Integer> order = new ArrayList<>();
        turns.run(first::statement).subscribeAsCompletionStage();
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            all.add(turns.run(() -> {
                synchronized (order) {
                    order.add(n);
                }
                return Uni.createFrom().item(n);
            }).subscribeAsCompletionStage());
        }
        first.emitter.get().complete("go");
        all.forEach(CompletableFuture::join);
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }
}
