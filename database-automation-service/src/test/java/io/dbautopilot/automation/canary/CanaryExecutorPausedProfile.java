package io.dbautopilot.automation.canary;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The canary on {@code demo} with this instance's operation executor paused ({@code autopilot.operations.enabled=false}),
 * a short deadline, a second target {@code weak} whose login role may not create the canary's schema, and a third,
 * {@code windowed}, whose VACUUM for a critical dead_tuples anomaly waits for a maintenance window that is closed, and
 * a fourth, {@code approving}, in trust approve.
 */
public class CanaryExecutorPausedProfile implements QuarkusTestProfile {

    static final String WEAK_USER = "canary_weak";
    static final String WEAK_PASSWORD = "canary-weak-pw-1";
    static final String WEAK_DB = "canary_weak";
    static final String APPROVE_DB = "canary_approve";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("autopilot.operations.enabled", "false"),
                Map.entry("autopilot.canary.interval", "3s"),
                Map.entry("autopilot.canary.deadline", "10s"),
                Map.entry("autopilot.canary.check-interval", "500ms"),
                Map.entry("autopilot.databases.demo.canary", "on"),
                // its own database (created by the test), where the canary's schema does not exist yet
                Map.entry("autopilot.databases.weak.url",
                        "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/" + WEAK_DB),
                Map.entry("autopilot.databases.weak.username", WEAK_USER),
                Map.entry("autopilot.databases.weak.password", WEAK_PASSWORD),
                Map.entry("autopilot.databases.weak.canary", "on"),
                Map.entry("autopilot.databases.windowed.url",
                        "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target"),
                Map.entry("autopilot.databases.windowed.username", "${dbautopilot.test.postgres.user}"),
                Map.entry("autopilot.databases.windowed.password", "${dbautopilot.test.postgres.password}"),
                Map.entry("autopilot.databases.windowed.policy.dead-tuples-critical", "window"),
                // one minute on January 1st: closed while the test runs (unless it runs at that minute)
                Map.entry("autopilot.databases.windowed.maintenance-windows", "0 0 1 1 * 1m"),
                Map.entry("autopilot.databases.windowed.canary", "on"),
                // trust approve, on its own database (created by the test)
                Map.entry("autopilot.databases.approving.url",
                        "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/" + APPROVE_DB),
                Map.entry("autopilot.databases.approving.username", "${dbautopilot.test.postgres.user}"),
                Map.entry("autopilot.databases.approving.password", "${dbautopilot.test.postgres.password}"),
                Map.entry("autopilot.databases.approving.trust", "approve"),
                Map.entry("autopilot.databases.approving.canary", "on"));
    }
}
