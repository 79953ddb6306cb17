package io.dbautopilot.performance.detect.suppression;

import io.dbautopilot.performance.detect.DetectionConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every maintenance window: those from configuration (checked at start: a bad one fails the start naming the
 * setting) and those created through the API; and which of them are active now.
 */
@Startup
@ApplicationScoped
public class MaintenanceWindows {

    /** API windows are re-read at most this often by the detection path (every target, every cycle). */
    private static final long CACHE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private final List<MaintenanceWindow> configured;
    private final MaintenanceWindowStore store;
    private volatile List<MaintenanceWindow> cached;
    private volatile long cachedAt;

    public MaintenanceWindows(DetectionConfig config, MaintenanceWindowStore store) {
        this.store = store;
        List<MaintenanceWindow> out = new ArrayList<>();
        for (Map.Entry<String, DetectionConfig.Window> e : new TreeMap<>(config.maintenanceWindows()).entrySet()) {
            DetectionConfig.Window w = e.getValue();
            String prefix = "autopilot.detection.maintenance-windows." + e.getKey() + ".";
            MaintenanceWindow.problem(w.cron(), w.duration(), w.timeZone(), w.rule().orElse(null)).ifPresent(p -> {
                throw new IllegalStateException(prefix + p.replace("time_zone", "time-zone"));
            });
            out.add(new MaintenanceWindow("config:" + e.getKey(), e.getKey(), "config", w.target().orElse(null),
                    w.rule().orElse(null), w.cron(), w.duration(), w.timeZone(), w.comment().orElse(null),
                    "configuration", null));
        }
        this.configured = List.copyOf(out);
    }

    /** Every window, configured ones first. */
    public List<MaintenanceWindow> all() {
        List<MaintenanceWindow> out = new ArrayList<>(configured);
        List<MaintenanceWindow> stored = store.list();
        cached = stored;
        cachedAt = System.nanoTime();
        out.addAll(stored);
        return out;
    }

    /** Forgets the cached API windows (after a create or delete on this instance). */
    public void changed() {
        cached = null;
    }

    /**
     * The windows active at {@code now} that may apply to a target; API windows come from a cache at most 5 s old
     * (another instance's change is seen within that).
     */
    public List<MaintenanceWindow> activeFor(String targetId, Instant now) {
        List<MaintenanceWindow> stored = cached;
        if (stored == null || System.nanoTime() - cachedAt > CACHE_NANOS) {
            stored = store.list();
            cached = stored;
            cachedAt = System.nanoTime();
        }
        List<MaintenanceWindow> every = new ArrayList<>(configured);
        every.addAll(stored);
        return every.stream().filter(w -> w.targetId() == null || w.targetId().equals(targetId))
                .filter(w -> w.activeAt(now)).toList();
    }
}
