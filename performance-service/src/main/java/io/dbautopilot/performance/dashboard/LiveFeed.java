package io.dbautopilot.performance.dashboard;

import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's live data: after every collection cycle (the collector's {@link CycleResult} event) one
 * {@link LiveSample} per target, kept in a short history per target and broadcast to every open stream.
 */
@ApplicationScoped
public class LiveFeed {

    private final LatestSnapshots latest;
    private final DashboardConfig config;
    private final LiveSampler sampler = new LiveSampler();
    private final Map<String, Deque<LiveSample>> history = new LinkedHashMap<>();
    private final BroadcastProcessor<LiveSample> broadcast = BroadcastProcessor.create();

    public LiveFeed(LatestSnapshots latest, DashboardConfig config) {
        this.latest = latest;
        this.config = config;
    }

    void onCycle(@ObservesAsync CycleResult cycle) {
        String target = cycle.snapshot().targetId();
        LiveSample sample = sampler.sample(target, cycle.snapshot().collectedAt(), latest.current(target));
        synchronized (this) { // observers of different targets run concurrently; a processor wants serial onNext
            Deque<LiveSample> kept = history.computeIfAbsent(target, t -> new ArrayDeque<>());
            kept.addLast(sample);
            while (kept.size() > config.historySize()) {
                kept.removeFirst();
            }
            broadcast.onNext(sample);
        }
    }

    /** The kept samples of every target, oldest first. */
    public synchronized Map<String, List<LiveSample>> history() {
        Map<String, List<LiveSample>> copy = new LinkedHashMap<>();
        history.forEach((target, samples) -> copy.put(target, new ArrayList<>(samples)));
        return copy;
    }

    /** The latest sample of every target (one per target: what the fleet view needs), by target id. */
    public synchronized Map<String, LiveSample> latest() {
        Map<String, LiveSample> out = new java.util.HashMap<>();
        history.forEach((target, samples) -> {
            if (!samples.isEmpty()) {
                out.put(target, samples.peekLast());
            }
        });
        return out;
    }

    /** The kept samples of the given targets only, oldest first. */
    public synchronized Map<String, List<LiveSample>> history(java.util.Collection<String> targets) {
        Map<String, List<LiveSample>> copy = new LinkedHashMap<>();
        targets.forEach(t -> {
            Deque<LiveSample> samples = history.get(t);
            if (samples != null) {
                copy.put(t, new ArrayList<>(samples));
            }
        });
        return copy;
    }

    /**
     * Samples as they come, from now on. Each subscriber gets its own buffer (an SSE connection requests one item
     * at a time); a client too slow for a whole history's worth of samples loses its stream and reconnects.
     */
    public Multi<LiveSample> stream() {
        return broadcast.onOverflow().buffer(config.historySize());
    }
}
