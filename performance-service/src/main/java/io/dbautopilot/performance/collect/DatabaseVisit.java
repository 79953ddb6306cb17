package io.dbautopilot.performance.collect;

import io.smallrye.mutiny.Uni;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the families of one visit to one database share: a statement whose answer serves several of them (the
 * relation digest) runs once per visit, however many of them ask.
 */
public final class DatabaseVisit {

    private final Map<String, Uni<?>> once = new ConcurrentHashMap<>();

    /** The answer of {@code statement} for this visit: run by the first caller, remembered (failure too) for the rest. */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> once(String name, Supplier<Uni<T>> statement) {
        return (Uni<T>) once.computeIfAbsent(name, n -> statement.get().memoize().indefinitely());
    }
}
