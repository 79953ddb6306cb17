package io.dbautopilot.automation.canary;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The canary on {@code demo} with this instance's operation executor paused ({@code autopilot.operations.enabled=false}),
 * a short deadline, and a second target {@code weak} whose login role may not create the canary's schema.
 */
public class CanaryExecutorPausedProfile implements QuarkusTestProfile {

    static final String WEAK_USER = "canary_weak";
    static final String WEAK_PASSWORD = "canary-weak-pw-1";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("autopilot.operations.enabled", "false"),
                Map.entry("autopilot.canary.interval", "3s"),
                Map.entry("autopilot.canary.deadline", "10s"),
                Map.entry("autopilot.canary.check-interval", "500ms"),
                Map.entry("autopilot.databases.demo.canary", "on"),
                Map.entry("autopilot.databases.weak.url",
                        "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target"),
                Map.entry("autopilot.databases.weak.username", WEAK_USER),
                Map.entry("autopilot.databases.weak.password", WEAK_PASSWORD),
                Map.entry("autopilot.databases.weak.canary", "on"));
    }
}
