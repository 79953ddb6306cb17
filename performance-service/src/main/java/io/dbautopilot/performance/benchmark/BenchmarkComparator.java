package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.BenchmarkEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares a run's steps with a baseline run's, metric by metric: throughput ({@code tps}, {@code rows_per_second},
 * {@code connections_per_second}) regresses when it falls, latency ({@code latency_*}) when it rises, by more than the
 * metric's threshold. The computed steps' values ({@code knee_clients}, {@code sustained_to_peak_ratio}, …) and
 * bookkeeping values ({@code rows}, {@code rows_per_statement}) are not compared.
 */
@ApplicationScoped
public class BenchmarkComparator {

    private static final Set<String> HIGHER_IS_BETTER = Set.of("tps", "rows_per_second", "connections_per_second");

    private final BenchmarkConfig config;

    public BenchmarkComparator(BenchmarkConfig config) {
        this.config = config;
    }

    /** Whether a metric is compared, and which way is worse: empty for bookkeeping values such as {@code rows}. */
    static Optional<Boolean> higherIsBetter(String metric) {
        if (HIGHER_IS_BETTER.contains(metric)) {
            return Optional.of(true);
        }
        return metric.startsWith("latency_") ? Optional.of(false) : Optional.empty();
    }

    /**
     * One metric's comparison.
     *
     * @param worsening relative change in the bad direction (positive = worse), e.g. 0.35 = 35 % worse
     */
    public record Change(String step, String metric, double baseline, double value, double change, double worsening,
                         double threshold) {

        /** Whether it is worse by more than its threshold. */
        public boolean regressed() {
            return worsening > threshold;
        }

        /** As a regression of the contract. */
        BenchmarkEvent.Regression asRegression() {
            return new BenchmarkEvent.Regression(step, metric, baseline, value, change, threshold);
        }
    }

    /** Every compared metric present in both runs with a positive baseline value, in the run's step order. */
    public List<Change> compare(List<BenchmarkEvent.Step> baseline, List<BenchmarkEvent.Step> current) {
        List<Change> out = new ArrayList<>();
        for (BenchmarkEvent.Step step : current) {
            Map<String, Double> before = baseline.stream().filter(b -> b.name().equals(step.name())).findFirst()
                    .map(BenchmarkEvent.Step::metrics).orElse(Map.of());
            step.metrics().forEach((metric, value) -> higherIsBetter(metric).ifPresent(higher -> {
                Double base = before.get(metric);
                if (base == null || !(base > 0) || !Double.isFinite(value)) {
                    return;
                }
                double change = (value - base) / base;
                out.add(new Change(step.name(), metric, base, value, change, higher ? -change : change,
                        config.thresholdOf(metric)));
            }));
        }
        return out;
    }
}
