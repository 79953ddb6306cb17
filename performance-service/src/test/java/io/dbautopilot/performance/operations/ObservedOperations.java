package io.dbautopilot.performance.operations;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test bean recording every {@link ObservedOperation} fired, with the thread it arrived on. */
@ApplicationScoped
public class ObservedOperations {

    /** One observation. */
    public record Seen(ObservedOperation operation, String thread) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** Everything observed so far (a method: fields of a client proxy are not the bean's). */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    void on(@Observes ObservedOperation operation) {
        seen.add(new Seen(operation, Thread.currentThread().getName()));
    }
}
