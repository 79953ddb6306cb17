package io.dbautopilot.performance.baseline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two baselines side by side.
 *
 * @param target       target id
 * @param from         first baseline's name ({@code now} for the current figures)
 * @param to           second baseline's name ({@code now} for the current figures)
 * @param fromAt       when the first was captured
 * @param toAt         when the second was captured
 * @param tolerancePct the regression tolerance used, in percent
 * @param regressions  names of the figures that regressed
 * @param figures      every figure
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BaselineComparison(String target, String from, String to, Instant fromAt, Instant toAt,
                                 double tolerancePct, List<String> regressions, List<FigureChange> figures) {

    /** Compares two sets of figures, figure by figure in {@link Figure} order. */
    public static BaselineComparison of(String target, Baseline from, Baseline to, double tolerancePct) {
        List<FigureChange> changes = new ArrayList<>();
        for (Figure f : Figure.values()) {
            changes.add(change(f, from.figures(), to.figures(), tolerancePct));
        }
        return new BaselineComparison(target, from.name(), to.name(), from.capturedAt(), to.capturedAt(), tolerancePct,
                changes.stream().filter(FigureChange::regressed).map(FigureChange::figure).toList(), changes);
    }

    static FigureChange change(Figure f, Map<String, Double> from, Map<String, Double> to, double tolerancePct) {
        Double a = from.get(f.wire());
        Double b = to.get(f.wire());
        if (a == null || b == null) {
            return new FigureChange(f.wire(), f.unit(), f.better(), a, b, null, null, false, false);
        }
        double change = b - a;
        Double pct = a == 0 ? null : change / Math.abs(a) * 100;
        boolean significant = pct == null ? change != 0 : Math.abs(pct) >= tolerancePct;
        boolean worse = switch (f.better()) {
            case HIGHER -> change < 0;
            case LOWER -> change > 0;
            case NEITHER -> false;
        };
        boolean better = switch (f.better()) {
            case HIGHER -> change > 0;
            case LOWER -> change < 0;
            case NEITHER -> false;
        };
        return new FigureChange(f.wire(), f.unit(), f.better(), a, b, change, pct, significant && worse,
                significant && better);
    }
}
