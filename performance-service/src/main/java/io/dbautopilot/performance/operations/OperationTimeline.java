package io.dbautopilot.performance.operations;

import io.dbautopilot.model.OperationEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * In-memory view of recent operation events per target (bounded, newest first) and of the operations currently
 * running on each target (latest state started or progress), rebuilt at every start by re-reading the topic.
 */
@ApplicationScoped
public class OperationTimeline {

    private static final Comparator<OperationEntry> NEWEST_FIRST =
            Comparator.comparing(OperationEntry::occurredAt).reversed();

    private final int size;
    private final java.time.Duration staleAfter;
    private final Clock clock;
    /** Recent events per target, newest first; guarded by {@code this}. */
    private final Map<String, LinkedList<OperationEntry>> recent = new HashMap<>();
    /** Latest event of every not-yet-finished operation per target; guarded by {@code this}. */
    private final Map<String, Map<UUID, OperationEntry>> open = new HashMap<>();
    /** Latest terminal event per target and operation type (never evicted, types are few); guarded by {@code this}. */
    private final Map<String, Map<String, OperationEntry>> lastFinished = new HashMap<>();
    /** Latest succeeded event per target and operation type; guarded by {@code this}. */
    private final Map<String, Map<String, OperationEntry>> lastSucceeded = new HashMap<>();

    @Inject
    public OperationTimeline(OperationsConfig config) {
        this(config, Clock.systemUTC());
    }

    OperationTimeline(OperationsConfig config, Clock clock) {
        if (config.timelineSize() < 1) {
            throw new IllegalArgumentException("autopilot.operations.timeline-size must be at least 1, was "
                    + config.timelineSize());
        }
        this.size = config.timelineSize();
        this.staleAfter = config.staleAfter();
        this.clock = clock;
    }

    /**
     * Takes in one event.
     *
     * @return false if an event with this id was already taken in (a redelivery), true otherwise
     */
    public synchronized boolean record(String eventId, OperationEvent event) {
        OperationEntry entry = OperationEntry.of(eventId, event);
        LinkedList<OperationEntry> list = recent.computeIfAbsent(event.targetId(), t -> new LinkedList<>());
        if (list.stream().anyMatch(e -> e.eventId().equals(eventId))) {
            return false;
        }
        // Insert keeping newest first (events of one target arrive in order; this also copes with a clock skew).
        ListIterator<OperationEntry> it = list.listIterator();
        while (it.hasNext()) {
            if (NEWEST_FIRST.compare(entry, it.next()) <= 0) {
                it.previous();
                break;
            }
        }
        it.add(entry);
        while (list.size() > size) {
            list.removeLast();
        }
        Map<UUID, OperationEntry> ops = open.computeIfAbsent(event.targetId(), t -> new HashMap<>());
        OperationEntry previous = ops.get(event.operationId());
        if (previous == null || !previous.occurredAt().isAfter(event.occurredAt())) {
            if (event.state().terminal()) {
                ops.remove(event.operationId());
                keepLatest(lastFinished, entry);
                if (event.state() == io.dbautopilot.model.OperationState.SUCCEEDED) {
                    keepLatest(lastSucceeded, entry);
                }
            } else {
                ops.put(event.operationId(), entry);
            }
        }
        return true;
    }

    /** Recent events of one target (or of all targets when {@code target} is null), newest first, at most {@code limit}. */
    public synchronized List<OperationEntry> recent(String target, int limit) {
        List<OperationEntry> all = new ArrayList<>();
        if (target != null) {
            all.addAll(recent.getOrDefault(target, new LinkedList<>()));
        } else {
            recent.values().forEach(all::addAll);
            all.sort(NEWEST_FIRST);
        }
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** The latest event of each operation currently running on a target (or on all when null), newest first. */
    public List<OperationEntry> running(String target) {
        return current(target, OperationEntry::running);
    }

    /** The latest event of each requested or deferred (not yet started) operation, newest first. */
    public List<OperationEntry> pending(String target) {
        return current(target, e -> !e.running());
    }

    /** Whether any operation matching {@code filter} is running on the target now. */
    public boolean isRunning(String target, Predicate<OperationEntry> filter) {
        return running(target).stream().anyMatch(filter);
    }

    /** The newest event (of any state) of the operations on a target matching {@code filter}. */
    public synchronized Optional<OperationEntry> latest(String target, Predicate<OperationEntry> filter) {
        return recent.getOrDefault(target, new LinkedList<>()).stream().filter(filter).findFirst();
    }

    /**
     * The latest finished (succeeded, failed or cancelled) operation on a target whose type matches, however many
     * events came since.
     */
    public synchronized Optional<OperationEntry> lastFinished(String target, Predicate<String> type) {
        return newest(lastFinished, target, type);
    }

    /** The latest succeeded operation on a target whose type matches, however many events came since. */
    public synchronized Optional<OperationEntry> lastSucceeded(String target, Predicate<String> type) {
        return newest(lastSucceeded, target, type);
    }

    private static Optional<OperationEntry> newest(Map<String, Map<String, OperationEntry>> map, String target,
                                                   Predicate<String> type) {
        return map.getOrDefault(target, Map.of()).entrySet().stream().filter(e -> type.test(e.getKey()))
                .map(Map.Entry::getValue).max(Comparator.comparing(OperationEntry::occurredAt));
    }

    private static void keepLatest(Map<String, Map<String, OperationEntry>> map, OperationEntry entry) {
        map.computeIfAbsent(entry.target(), t -> new HashMap<>()).merge(entry.type(), entry,
                (old, neu) -> neu.occurredAt().isBefore(old.occurredAt()) ? old : neu);
    }

    /** Every target seen on the topic. */
    public synchronized Set<String> targets() {
        return new TreeSet<>(recent.keySet());
    }

    private synchronized List<OperationEntry> current(String target, Predicate<OperationEntry> filter) {
        Instant horizon = clock.instant().minus(staleAfter);
        List<OperationEntry> out = new ArrayList<>();
        for (Map.Entry<String, Map<UUID, OperationEntry>> t : open.entrySet()) {
            if (target != null && !target.equals(t.getKey())) {
                continue;
            }
            t.getValue().values().removeIf(e -> e.occurredAt().isBefore(horizon));
            t.getValue().values().stream().filter(filter).forEach(out::add);
        }
        out.sort(NEWEST_FIRST);
        return out;
    }
}
