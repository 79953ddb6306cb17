package io.dbautopilot.performance.collect;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Optional;

/** Decides whether a target is too busy for heavy families this cycle, and says why. */
@ApplicationScoped
public class LoadGate {

    private final TargetsConfig.Collection settings;

    public LoadGate(TargetsConfig config) {
        this.settings = config.collection();
    }

    /** The reason the target is busy, or empty when heavy families may run. */
    public Optional<String> busyReason(TargetRuntime target, TargetProbe probe) {
        // the collector's own kept connections do not make a target busy: they are given back instead (releaseSlots)
        double utilization = probe.othersUtilization();
        double threshold = threshold(target);
        if (utilization >= threshold) {
            return Optional.of(String.format(Locale.ROOT,
                    "target busy: %d of %d usable connections in use by other sessions (%.0f%%, threshold %.0f%%)",
                    probe.clientBackends() - probe.ownBackends() + 1, probe.usableConnections(), utilization * 100,
                    threshold * 100));
        }
        if (settings.busyActiveBackends() > 0 && probe.activeBackends() >= settings.busyActiveBackends()) {
            return Optional.of("target busy: " + probe.activeBackends() + " active backends (threshold "
                    + settings.busyActiveBackends() + ")");
        }
        return Optional.empty();
    }

    /**
     * Whether the collector should give back its idle per-database connections this cycle: all sessions, its own kept
     * ones included, reach the busy threshold (kept connections must never be what keeps a client from connecting).
     */
    public boolean releaseSlots(TargetRuntime target, TargetProbe probe) {
        return probe.connectionUtilization() >= threshold(target);
    }

    private double threshold(TargetRuntime target) {
        return target.config().busyConnectionRatio().orElse(settings.busyConnectionRatio());
    }

    /**
     * Why server-wide heavy families wait this cycle: the previous cycle overran its budget. Per-database families
     * are not shed for that: the budget itself bounds them, and those it cuts off lead the next cycle (shedding them
     * all would halve their throughput exactly when a target has more databases than one cycle covers).
     */
    public Optional<String> overrunReason(TargetRuntime target) {
        long budget = target.config().cycleBudget().toMillis();
        if (target.lastCycleMs() > budget) {
            return Optional.of("previous cycle took " + target.lastCycleMs() + " ms, over its " + budget
                    + " ms budget");
        }
        return Optional.empty();
    }
}
