package io.dbautopilot.performance.advise;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Adds the {@code advice} target (databases advice_target, with HypoPG, and advice_nohypo, without), monitored by a
 * non-superuser role, to the test setup.
 */
public class AdviceProfile implements QuarkusTestProfile {

    /** The advice target's monitoring role (created by {@link AdvisorsTest}: pg_monitor, pg_hba_file_rules, SELECT). */
    public static final String MONITOR = "advice_monitor";
    /** Its password. */
    public static final String MONITOR_PASSWORD = "advice-monitor-pw";

    @Override
    public Map<String, String> getConfigOverrides() {
        String base = "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/";
        return Map.ofEntries(
                Map.entry("autopilot.targets.advice.url", base + "advice_target"),
                // a pg_monitor role, not a superuser: the missing-index advisor refuses to plan as a superuser
                Map.entry("autopilot.targets.advice.username", AdviceProfile.MONITOR),
                Map.entry("autopilot.targets.advice.password", AdviceProfile.MONITOR_PASSWORD),
                Map.entry("autopilot.targets.advice.interval", "1s"),
                Map.entry("autopilot.targets.advice.include-databases", "advice_target,advice_nohypo"),
                Map.entry("autopilot.targets.demo.exclude-databases", "metrics_probe,advice_target,advice_nohypo"),
                Map.entry("autopilot.advice.missing-index.top-statements", "100"),
                Map.entry("autopilot.advice.connection-wait", "3s"));
    }
}
