package io.dbautopilot.performance.score;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static io.dbautopilot.performance.score.Category.CONNECTIVITY;

/** The checks every engine scores the same way (reachable, restarted, failed families), and their small helpers. */
final class CommonChecks {

    private CommonChecks() {
    }

    /** {@code target_up} from the engine's up metric ({@code pg_up}, {@code mysql_up}, ...). */
    static CheckResult targetUp(Map<String, List<MetricPoint>> byName, String upMetric, String downMessage) {
        OptionalDouble up = first(byName, upMetric);
        if (up.isEmpty()) {
            return CheckResult.notEvaluated("target_up", CONNECTIVITY, "no collection cycle yet");
        }
        return up.getAsDouble() == 1 ? CheckResult.ok("target_up", CONNECTIVITY, 1, "= 1", null, null)
                : CheckResult.lost("target_up", CONNECTIVITY, 100, up.getAsDouble(), "= 1", null, downMessage);
    }

    /** {@code target_up} with the message of a server that could not be reached. */
    static CheckResult targetUp(Map<String, List<MetricPoint>> byName, String upMetric) {
        return targetUp(byName, upMetric, "the target cannot be reached: the last collection cycle failed to connect");
    }

    /** {@code recently_restarted}: 10 points while the uptime (seconds, empty when unknown) is below the grace. */
    static CheckResult restarted(OptionalDouble uptime, String unknownReason, long graceSeconds, String meaning) {
        if (uptime.isEmpty()) {
            return CheckResult.notEvaluated("recently_restarted", CONNECTIVITY, unknownReason);
        }
        String bound = "uptime < " + graceSeconds + " s";
        return uptime.getAsDouble() < graceSeconds
                ? CheckResult.lost("recently_restarted", CONNECTIVITY, 10, uptime.getAsDouble(), bound, null, meaning)
                : CheckResult.ok("recently_restarted", CONNECTIVITY, uptime.getAsDouble(), bound, null, null);
    }

    /** {@code failed_families}: 5 points per server-wide family that failed in the last cycle, at most 15. */
    static CheckResult failedFamilies(MetricSnapshot snapshot) {
        List<String> failed = snapshot.families().stream()
                .filter(f -> !f.perDatabase() && f.status() == FamilyStatus.FAILED)
                .map(FamilyResult::family).toList();
        if (failed.isEmpty()) {
            return CheckResult.ok("failed_families", CONNECTIVITY, 0, "> 0", null, null);
        }
        return CheckResult.lost("failed_families", CONNECTIVITY, Math.min(15, 5 * failed.size()), failed.size(),
                "> 0 (5 per family, at most 15)", String.join(", ", failed),
                "metric families failed in the last cycle: see the snapshot's errors");
    }

    /** The first point's value of a metric, if any. */
    static OptionalDouble first(Map<String, List<MetricPoint>> byName, String name) {
        List<MetricPoint> ps = byName.getOrDefault(name, List.of());
        return ps.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(ps.get(0).value());
    }

    /** Thresholds, for the check tables. */
    static double[] d(double... v) {
        return v;
    }

    /** Points lost per tier, for the check tables. */
    static int[] p(int... v) {
        return v;
    }
}
