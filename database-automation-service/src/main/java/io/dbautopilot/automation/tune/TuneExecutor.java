package io.dbautopilot.automation.tune;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * Runs {@code tune} (a reload-only setting changed with {@code ALTER SYSTEM} + {@code pg_reload_conf()}, between a
 * workload baseline measured before, recorded as the named baseline {@code tune-<setting>-<id>-before}, and the start
 * of the window measured after) and {@code tune_revert} (the setting
 * set back to its value before the tune, or reset when {@code postgresql.auto.conf} did not have it). Both re-check
 * the setting in pg_settings when they run and are verified by pg_settings showing the value after the reload.
 */
@ApplicationScoped
public class TuneExecutor implements OperationExecutor {

    private static final Logger LOG = Logger.getLogger(TuneExecutor.class);
    private static final Duration STEP = Duration.ofMillis(250);

    private final GuardedStatements guarded;
    private final ManagedDatabases databases;
    private final TuneConfig config;
    private final TuneBaselines baselines;

    public TuneExecutor(GuardedStatements guarded, ManagedDatabases databases, TuneConfig config,
                        TuneBaselines baselines) {
        this.guarded = guarded;
        this.databases = databases;
        this.config = config;
        this.baselines = baselines;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.TUNE, OperationType.TUNE_REVERT);
    }

    @Override
    public Optional<Duration> timeBudget(Operation op) {
        return Optional.of(config.baselineWindow().plus(config.applyTimeout()).plus(Duration.ofMinutes(2)));
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        return guarded.execute(ctx, s -> op.type() == OperationType.TUNE ? tune(ctx, s) : revert(ctx, s));
    }

    private Outcome tune(ExecutionContext ctx, GuardedSession s) throws SQLException {
        Operation op = ctx.operation();
        Connection c = s.connection();
        Optional<PgSetting> found = PgSetting.find(c, op.object());
        if (found.isEmpty()) {
            return new Outcome.Failed("setting " + op.object() + " does not exist on " + op.targetId(), Map.of());
        }
        PgSetting setting = found.get();
        SettingValue value;
        try {
            value = SettingValue.check(setting, String.valueOf(op.parameters().get("value")), config.allowedSettings());
        } catch (SettingValue.Refused e) {
            return new Outcome.Failed("refused when it ran: " + e.getMessage(), Map.of());
        }
        Optional<String> previous = PgSetting.autoConf(c, setting.name());
        WorkloadSample start = WorkloadSample.take(c);
        ctx.progress("measuring the baseline for " + config.baselineWindow() + " before setting " + setting.name(),
                Map.of("phase", "baseline", "setting", setting.name()));
        if (!waitFor(ctx, config.baselineWindow())) {
            return new Outcome.Cancelled("cancelled while measuring the baseline; " + setting.name() + " unchanged");
        }
        WorkloadSample.Rates before = start.until(WorkloadSample.take(c));
        TuneBaseline named;
        try {
            named = baselines.record(op, "before", before.json());
        } catch (RuntimeException e) {
            return new Outcome.Failed("the named baseline before the change could not be recorded in the state "
                    + "database (" + e.getMessage() + "); " + setting.name() + " unchanged", Map.of());
        }
        String sql = SystemSettings.set(c, setting.name(), value.literal());
        s.run(sql, null, setting.name());
        s.run("SELECT pg_reload_conf()", null, setting.name());
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("setting", setting.name());
        effect.put("value", value.literal());
        effect.put("previous_setting", setting.display());
        effect.put("previous_value", previous.orElse(null));
        effect.put("baseline_before", before.json());
        effect.put("baseline_before_name", named.name());
        Optional<String> notShown = awaitShown(op, setting.name(), value.expected());
        if (notShown.isPresent()) {
            String undo = previous.isPresent() ? SystemSettings.set(c, setting.name(), previous.get())
                    : SystemSettings.reset(c, setting.name());
            s.run(undo, null, setting.name());
            s.run("SELECT pg_reload_conf()", null, setting.name());
            effect.put("reverted_at_once", undo);
            LOG.warnf("Operation %s: %s did not apply (%s); reverted with %s", op.id(), sql, notShown.get(), undo);
            return verified(false, sql, effect, notShown.get() + "; reverted at once");
        }
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("expected_effect", OperationType.TUNE.expectedEffect());
        baseline.put("setting", setting.name());
        baseline.put("value", value.literal());
        baseline.put("expected_setting", value.expected());
        baseline.put("previous_value", previous.orElse(null));
        baseline.put("previous_setting", setting.setting());
        baseline.put("before", before.json());
        baseline.put("before_name", named.name());
        baseline.put("after_start", WorkloadSample.take(c).json());
        effect.put("verification", baseline);
        LOG.infof("Operation %s: %s applied on %s (was %s); verified again after the verification window", op.id(), sql,
                op.targetId(), setting.display());
        return verified(true, sql + "; SELECT pg_reload_conf()", effect, "");
    }

    private Outcome revert(ExecutionContext ctx, GuardedSession s) throws SQLException {
        Operation op = ctx.operation();
        Connection c = s.connection();
        Optional<PgSetting> found = PgSetting.find(c, op.object());
        if (found.isEmpty()) {
            return new Outcome.Failed("setting " + op.object() + " does not exist on " + op.targetId(), Map.of());
        }
        String name = found.get().name();
        Object applied = op.parameters().get("value");
        Object previous = op.parameters().get("previous_value");
        Optional<String> now = PgSetting.autoConf(c, name);
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("setting", name);
        effect.put("rollback_of", op.parameters().get("rollback_of"));
        effect.put("auto_conf_before", now.orElse(null));
        boolean alreadyBack = previous == null ? now.isEmpty() : now.map(previous::equals).orElse(false);
        if (!alreadyBack && (applied == null || !now.map(applied::equals).orElse(false))) {
            // someone changed it after the tune: their value is not ours to undo
            return new Outcome.Failed("not reverted: postgresql.auto.conf has " + name + " = " + now.orElse("(not set)")
                    + ", not the tune's " + applied + " (changed since the tune)", effect);
        }
        String sql = previous == null ? SystemSettings.reset(c, name) : SystemSettings.set(c, name, previous.toString());
        if (!alreadyBack) {
            s.run(sql, null, name);
        }
        s.run("SELECT pg_reload_conf()", null, name);
        Object expected = op.parameters().get("previous_setting");
        Optional<String> notShown = expected == null ? Optional.empty() : awaitShown(op, name, expected.toString());
        effect.put("shown", notShown.isEmpty());
        return verified(notShown.isEmpty(), sql + "; SELECT pg_reload_conf()", effect,
                notShown.orElse(""));
    }

    /** Waits for pg_settings (new sessions) to show {@code expected}; empty when it does, else what it shows instead. */
    private Optional<String> awaitShown(Operation op, String name, String expected) throws SQLException {
        long deadline = System.nanoTime() + config.applyTimeout().toNanos();
        String shown;
        String error;
        do {
            try (Connection fresh = databases.connect(op.targetId(), "op:" + op.id() + " check")) {
                shown = SystemSettings.shown(fresh, name);
                error = SystemSettings.fileError(fresh, name);
            }
            if (SystemSettings.same(shown, expected)) {
                return Optional.empty();
            }
            if (!sleep(STEP)) {
                break;
            }
        } while (System.nanoTime() < deadline);
        return Optional.of("pg_settings shows " + name + " = " + shown + ", not " + expected + " after the reload"
                + (error == null ? "" : " (configuration file error: " + error + ")"));
    }

    /** Waits, watching for a cancel; false when stopped. */
    private static boolean waitFor(ExecutionContext ctx, Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            if (ctx.stopRequested() || !sleep(STEP)) {
                return false;
            }
        }
        return !ctx.stopRequested();
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
