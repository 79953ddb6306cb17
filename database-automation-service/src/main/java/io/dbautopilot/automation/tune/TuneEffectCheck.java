package io.dbautopilot.automation.tune;

import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.verify.EffectCheck;
import io.dbautopilot.automation.verify.Verdict;
import io.dbautopilot.automation.verify.VerificationConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a {@code tune} after the window: the workload since the change (TPS, statement mean time, temp bytes per
 * second), recorded as the named baseline {@code tune-<setting>-<id>-after}, against the baseline measured before it; a regression past {@code autopilot.tune.*} thresholds is undone
 * by a {@code tune_revert}. A setting changed by someone else since the tune is left alone.
 */
@ApplicationScoped
public class TuneEffectCheck implements EffectCheck {

    private final TuneConfig config;
    private final VerificationConfig verification;
    private final TuneBaselines baselines;

    public TuneEffectCheck(TuneConfig config, VerificationConfig verification, TuneBaselines baselines) {
        this.config = config;
        this.verification = verification;
        this.baselines = baselines;
    }

    @Override
    public OperationType type() {
        return OperationType.TUNE;
    }

    @Override
    public Verdict verify(Connection target, Operation op, Map<String, Object> baseline) throws SQLException {
        String name = String.valueOf(baseline.get("setting"));
        Map<String, Object> measured = new LinkedHashMap<>();
        measured.put("setting", name);
        measured.put("value", baseline.get("value"));
        Optional<String> now = PgSetting.autoConf(target, name);
        if (!now.map(v -> v.equals(baseline.get("value"))).orElse(false)) {
            return Verdict.inconclusive(name + " was changed since the tune (postgresql.auto.conf has "
                    + now.orElse("(not set)") + "): not judged, not reverted", measured);
        }
        WorkloadSample.Rates before = WorkloadSample.Rates.of(baseline.get("before"));
        WorkloadSample.Rates after = WorkloadSample.of(baseline.get("after_start")).until(WorkloadSample.take(target));
        measured.put("before", before.json());
        measured.put("after", after.json());
        if (baseline.get("before_name") != null) {
            measured.put("baseline_before", baseline.get("before_name"));
        }
        measured.put("baseline_after", baselines.record(op, "after", after.json()).name());
        if (before.reset() || after.reset()) {
            return Verdict.inconclusive("statistics were reset during a window: before and after cannot be compared",
                    measured);
        }
        List<String> regressions = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        if (before.tps() >= config.minTps()) {
            double drop = 1 - after.tps() / before.tps();
            String text = "TPS " + round(after.tps()) + " against " + round(before.tps()) + " before";
            (drop > config.maxTpsDrop() ? regressions : fine).add(text + (drop > config.maxTpsDrop()
                    ? " (down more than " + pct(config.maxTpsDrop()) + ")" : ""));
        }
        if (before.calls() >= verification.minCalls() && after.calls() >= verification.minCalls() && before.meanMs() > 0) {
            double rise = after.meanMs() / before.meanMs() - 1;
            String text = "statement mean time " + round(after.meanMs()) + " ms against " + round(before.meanMs())
                    + " ms before";
            (rise > config.maxMeanTimeRise() ? regressions : fine).add(text + (rise > config.maxMeanTimeRise()
                    ? " (up more than " + pct(config.maxMeanTimeRise()) + ")" : ""));
        }
        boolean traffic = after.tps() >= config.minTps() || after.calls() >= verification.minCalls();
        if (traffic) {
            double limit = Math.max(config.minTempBytesPerSecond(), before.tempBytesPerSecond() * (1 + config.maxTempRise()));
            String text = "temp spill " + Math.round(after.tempBytesPerSecond()) + " B/s against "
                    + Math.round(before.tempBytesPerSecond()) + " B/s before";
            (after.tempBytesPerSecond() > limit ? regressions : fine).add(text + (after.tempBytesPerSecond() > limit
                    ? " (above the limit of " + Math.round(limit) + " B/s)" : ""));
        }
        String change = name + " = " + baseline.get("value") + ": ";
        if (!regressions.isEmpty()) {
            return new Verdict(Verdict.Outcome.REGRESSED, change + String.join("; ", regressions)
                    + (fine.isEmpty() ? "" : "; " + String.join("; ", fine)), measured);
        }
        if (!fine.isEmpty()) {
            return new Verdict(Verdict.Outcome.CONFIRMED, change + "no regression: " + String.join("; ", fine), measured);
        }
        return Verdict.inconclusive(change + "too little traffic to judge (TPS " + round(before.tps()) + " before, "
                + round(after.tps()) + " after; min-tps " + config.minTps() + ")", measured);
    }

    @Override
    public NewOperation rollback(Operation op, Map<String, Object> baseline, Verdict verdict, String mode) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("rollback_of", op.id().toString());
        parameters.put("value", baseline.get("value"));
        if (baseline.get("previous_value") != null) {
            parameters.put("previous_value", baseline.get("previous_value"));
        }
        parameters.put("previous_setting", baseline.get("previous_setting"));
        return new NewOperation(op.targetId(), OperationType.TUNE_REVERT, op.object(), mode, null, null, null,
                "verification", parameters, "revert of tune " + op.id() + ": " + verdict.summary());
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static String pct(double share) {
        return Math.round(share * 100) + " %";
    }
}
