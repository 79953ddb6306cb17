package io.dbautopilot.performance.health;

import io.dbautopilot.performance.baseline.Baseline;
import io.dbautopilot.performance.baseline.BaselineComparison;
import io.dbautopilot.performance.baseline.BaselineStore;
import io.dbautopilot.performance.baseline.BaselinesConfig;
import io.dbautopilot.performance.baseline.KeyFigures;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares each target's key figures now with its latest named baseline for {@code GET /api/health/performance},
 * through the baselines' own figures ({@link KeyFigures}) and comparison ({@link BaselineComparison}), so a regression
 * here is the one {@code /api/targets/{id}/baselines/compare} shows.
 */
@ApplicationScoped
public class PerformanceHealthReader {

    private static final Logger LOG = Logger.getLogger(PerformanceHealthReader.class);
    /** Name of the current figures in a comparison (as in {@code /baselines/compare}). */
    private static final String NOW = "now";

    private final KeyFigures figures;
    private final BaselineStore baselines;
    private final BaselinesConfig config;

    public PerformanceHealthReader(KeyFigures figures, BaselineStore baselines, BaselinesConfig config) {
        this.figures = figures;
        this.baselines = baselines;
        this.config = config;
    }

    /** The regression tolerance in percent. */
    public double tolerancePct() {
        return config.regressionTolerancePercent();
    }

    /** Each target in scope against its latest baseline. Blocking (state database): call on a worker thread. */
    public List<PerformanceHealth> read(List<HealthTargets.Scoped> targets) {
        List<PerformanceHealth> out = new ArrayList<>();
        for (HealthTargets.Scoped t : targets) {
            out.add(read(t));
        }
        return out;
    }

    private PerformanceHealth read(HealthTargets.Scoped t) {
        Optional<Baseline> latest;
        try {
            latest = baselines.list(t.id()).stream().findFirst(); // newest first
        } catch (RuntimeException e) {
            LOG.warnf("Baselines of %s not readable: %s", t.id(), e.getMessage());
            return new PerformanceHealth(t.id(), t.owner(), t.here(), "unknown", null, null, List.of(), null,
                    "baselines unknown: the state database could not be read");
        }
        String name = latest.map(Baseline::name).orElse(null);
        Instant at = latest.map(Baseline::capturedAt).orElse(null);
        if (latest.isEmpty()) {
            return new PerformanceHealth(t.id(), t.owner(), t.here(), "no_baseline", null, null, List.of(), null,
                    "no baseline captured: POST /api/targets/" + t.id() + "/baselines captures one");
        }
        if (!t.here()) {
            return new PerformanceHealth(t.id(), t.owner(), false, "unknown", name, at, List.of(), null,
                    HealthTargets.elsewhere(t, "its current figures"));
        }
        Optional<KeyFigures.Taken> now = figures.now(t.id());
        if (now.isEmpty()) {
            return new PerformanceHealth(t.id(), t.owner(), true, "no_data", name, at, List.of(), null,
                    "no collection cycle has finished yet: retry after its interval (" + t.runtime().config().interval()
                            + ")");
        }
        KeyFigures.Taken taken = now.get();
        Baseline current = new Baseline(t.id(), NOW, Instant.now(), taken.snapshotAt(), null, null, taken.figures(),
                taken.figuresAt());
        BaselineComparison comparison = BaselineComparison.of(t.id(), latest.get(), current, config.regressionTolerancePercent());
        return new PerformanceHealth(t.id(), t.owner(), true, comparison.regressions().isEmpty() ? "ok" : "regressed",
                name, at, comparison.regressions(), comparison, null);
    }
}
