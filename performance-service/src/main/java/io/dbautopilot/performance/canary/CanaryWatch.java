package io.dbautopilot.performance.canary;

import io.dbautopilot.model.CanaryEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code autopilot.canary.v1} said about each target's canary, in memory (re-read from the topic at every start):
 * the last {@value #KEPT} runs per target, newest last; redeliveries (same CloudEvents id) are ignored.
 */
@ApplicationScoped
public class CanaryWatch {

    /** Runs kept per target. */
    static final int KEPT = 20;

    private final Map<String, Deque<CanaryEvent>> runs = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Records a run; false for an event id seen before. */
    public boolean record(String eventId, CanaryEvent event) {
        if (!seen.add(eventId)) {
            return false;
        }
        Deque<CanaryEvent> q = runs.computeIfAbsent(event.targetId(), t -> new ArrayDeque<>());
        synchronized (q) {
            q.removeIf(e -> e.runId().equals(event.runId()));
            q.addLast(event);
            while (q.size() > KEPT) {
                q.removeFirst();
            }
        }
        return true;
    }

    /** The latest run of a target. */
    public Optional<CanaryEvent> latest(String target) {
        Deque<CanaryEvent> q = runs.get(target);
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            return Optional.ofNullable(q.peekLast());
        }
    }

    /** The kept runs of a target, newest first. */
    public List<CanaryEvent> history(String target) {
        Deque<CanaryEvent> q = runs.get(target);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            List<CanaryEvent> out = new ArrayList<>(q);
            java.util.Collections.reverse(out);
            return out;
        }
    }

    /** The latest run of every target, by target id. */
    public Map<String, CanaryEvent> latestByTarget() {
        Map<String, CanaryEvent> out = new TreeMap<>();
        runs.keySet().forEach(t -> latest(t).ifPresent(e -> out.put(t, e)));
        return out;
    }
}
