package io.dbautopilot.performance.advise;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Adds the {@code advice} target (databases advice_target, with HypoPG, and advice_nohypo, without) to the test setup. */
public class AdviceProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        String base = "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/";
        return Map.ofEntries(
                Map.entry("autopilot.targets.advice.url", base + "advice_target"),
                Map.entry("autopilot.targets.advice.username", "${dbautopilot.test.postgres.user}"),
                Map.entry("autopilot.targets.advice.password", "${dbautopilot.test.postgres.password}"),
                Map.entry("autopilot.targets.advice.interval", "1s"),
                Map.entry("autopilot.targets.advice.include-databases", "advice_target,advice_nohypo"),
                Map.entry("autopilot.targets.demo.exclude-databases", "metrics_probe,advice_target,advice_nohypo"),
                Map.entry("autopilot.advice.missing-index.top-statements", "100"),
                Map.entry("autopilot.advice.connection-wait", "3s"));
    }
}
