package io.dbautopilot.performance.score;

import io.dbautopilot.model.MetricPoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A named check of one metric of the latest snapshot: the metric's points (optionally only those whose companion
 * metric with the same labels reaches a minimum) are aggregated (worst point or sum) and compared with tiers of
 * thresholds, the most severe tier breached giving the points lost; or, per unit, so many points per unit up to a cap.
 *
 * @param name       check name
 * @param category   category it scores
 * @param metric     metric name
 * @param aggregate  how the points are combined
 * @param above      true: a higher value is worse ({@code >}); false: a lower value is worse ({@code <})
 * @param thresholds tier thresholds, mildest first
 * @param points     points lost per tier (same length), or {@code {perUnit, cap}} for {@link Aggregate#PER_UNIT}
 * @param guard      companion metric that must reach {@code guardMin} for a point to count; null for none
 * @param guardMin   minimum of the guard metric
 * @param meaning    what a breach means
 */
public record MetricCheck(String name, Category category, String metric, Aggregate aggregate, boolean above,
                          double[] thresholds, int[] points, String guard, double guardMin, String meaning) {

    /** How the metric's points are combined. */
    public enum Aggregate {
        /** The worst point (highest for {@code >}, lowest for {@code <}); its labels name the object. */
        WORST,
        /** The sum of all points, compared with the tiers. */
        SUM,
        /** The sum of all points; {@code points[0]} lost per unit above {@code thresholds[0]}, at most {@code points[1]}. */
        PER_UNIT
    }

    /** A tiered check of the worst point. */
    static MetricCheck worst(String name, Category category, String metric, boolean above, double[] thresholds,
                             int[] points, String meaning) {
        return new MetricCheck(name, category, metric, Aggregate.WORST, above, thresholds, points, null, 0, meaning);
    }

    /** A tiered check of the worst point among those whose {@code guard} metric is at least {@code guardMin}. */
    static MetricCheck worstWhere(String name, Category category, String metric, double[] thresholds, int[] points,
                                  String guard, double guardMin, String meaning) {
        return new MetricCheck(name, category, metric, Aggregate.WORST, true, thresholds, points, guard, guardMin, meaning);
    }

    /** A tiered check of the sum. */
    static MetricCheck sum(String name, Category category, String metric, double[] thresholds, int[] points,
                           String meaning) {
        return new MetricCheck(name, category, metric, Aggregate.SUM, true, thresholds, points, null, 0, meaning);
    }

    /** So many points per unit of the sum, up to a cap. */
    static MetricCheck perUnit(String name, Category category, String metric, int perUnit, int cap, String meaning) {
        return new MetricCheck(name, category, metric, Aggregate.PER_UNIT, true, new double[] {0}, new int[] {perUnit, cap},
                null, 0, meaning);
    }

    /** Evaluates the check against a target's current values, grouped by metric name. */
    CheckResult evaluate(Map<String, List<MetricPoint>> byName) {
        List<MetricPoint> all = byName.getOrDefault(metric, List.of());
        List<MetricPoint> candidates = new ArrayList<>();
        for (MetricPoint p : all) {
            if (guard == null || companion(byName, p).filter(v -> v >= guardMin).isPresent()) {
                candidates.add(p);
            }
        }
        if (all.isEmpty()) {
            return CheckResult.notEvaluated(name, category, "no " + metric
                    + " in the latest values (family not collected yet, unavailable, or the target is down)");
        }
        double value;
        String object = null;
        if (aggregate == Aggregate.WORST) {
            if (candidates.isEmpty()) {
                return CheckResult.ok(name, category, above ? 0 : 1, bound(0), null,
                        "nothing reaches " + guard + " >= " + format(guardMin));
            }
            Comparator<MetricPoint> byValue = Comparator.comparingDouble(MetricPoint::value);
            MetricPoint worst = above ? candidates.stream().max(byValue).orElseThrow()
                    : candidates.stream().min(byValue).orElseThrow();
            value = worst.value();
            object = describe(worst.labels());
        } else {
            value = candidates.stream().mapToDouble(MetricPoint::value).sum();
        }
        if (aggregate == Aggregate.PER_UNIT) {
            if (value > thresholds[0]) {
                int lost = (int) Math.min(points[1], Math.ceil(value) * points[0]);
                return CheckResult.lost(name, category, lost, value, bound(0) + " (" + points[0] + " per unit, at most "
                        + points[1] + ")", object, meaning);
            }
            return CheckResult.ok(name, category, value, bound(0), object, null);
        }
        for (int i = thresholds.length - 1; i >= 0; i--) {
            if (above ? value > thresholds[i] : value < thresholds[i]) {
                return CheckResult.lost(name, category, points[i], value, bound(i), object, meaning);
            }
        }
        return CheckResult.ok(name, category, value, bound(0), object, null);
    }

    private String bound(int tier) {
        return (above ? "> " : "< ") + format(thresholds[tier]);
    }

    private Optional<Double> companion(Map<String, List<MetricPoint>> byName, MetricPoint p) {
        return byName.getOrDefault(guard, List.of()).stream().filter(g -> g.labels().equals(p.labels()))
                .map(MetricPoint::value).findFirst();
    }

    static String describe(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return null;
        }
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
