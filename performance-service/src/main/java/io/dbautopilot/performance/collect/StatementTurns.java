package io.dbautopilot.performance.collect;

import io.smallrye.mutiny.Uni;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * Per-target turns for the relation listings of per-database families: one such statement runs on the target at a
 * time, the others wait here (not on the server) and the rows of a finished one are mapped while the next runs.
 * Two databases' listings executing at once on a small server mostly slow each other down (every statement then
 * takes longer in server time than alone), so visiting databases in parallel helps connecting and mapping, not the
 * listings themselves.
 */
public final class StatementTurns {

    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private boolean busy;

    /**
     * Runs the statement when it is its turn. The turn ends when the statement's answer (or failure) arrives; a
     * caller that gives up while waiting leaves the queue, one that gives up while its statement runs keeps the turn
     * until the statement ends (bounded by the target's {@code statement_timeout}).
     */
    public <T> Uni<T> run(Supplier<Uni<T>> statement) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> {
                Uni<T> uni;
                try {
                    uni = statement.get();
                } catch (RuntimeException e) {
                    release();
                    emitter.fail(e);
                    return;
                }
                uni.subscribe().with(item -> {
                    release();
                    emitter.complete(item);
                }, error -> {
                    release();
                    emitter.fail(error);
                });
            };
            emitter.onTermination(() -> leave(start));
            if (acquire(start)) {
                start.run();
            }
        });
    }

    /** True when the caller may start now; otherwise its start is queued. */
    private synchronized boolean acquire(Runnable start) {
        if (busy) {
            waiting.add(start);
            return false;
        }
        busy = true;
        return true;
    }

    /** Ends a turn: the next waiting statement starts (on this thread), or the turns are free. */
    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                busy = false;
                return;
            }
        }
        next.run();
    }

    /** A caller that gave up before its turn came leaves the queue (no effect once it started). */
    private synchronized void leave(Runnable start) {
        waiting.remove(start);
    }

    /** Statements waiting for their turn (for tests). */
    synchronized int waiting() {
        return waiting.size();
    }
}
