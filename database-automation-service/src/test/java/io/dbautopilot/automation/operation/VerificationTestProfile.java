package io.dbautopilot.automation.operation;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Short verification windows and tune baselines, so post-operation verification and rollback happen within a test. */
public class VerificationTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("autopilot.verification.window", "5s"),
                Map.entry("autopilot.verification.poll-interval", "500ms"),
                Map.entry("autopilot.verification.min-calls", "5"),
                // a helpful index cuts the lookups' mean time by over 90 % (index scan of 20 rows against a sequential
                // scan of 100,000); the sequential scans after an unhelpful one measured 18-51 % faster than the first
                // ones after the table was created: only a far larger cut counts
                Map.entry("autopilot.verification.min-improvement", "0.8"),
                // the wide index slows the test's inserts by +56 % to +170 % (measured): a low limit, so a slow burst
                // on the side before the index cannot hide that
                Map.entry("autopilot.verification.max-write-slowdown", "0.1"),
                Map.entry("autopilot.verification.retry-delay", "1s"),
                Map.entry("autopilot.tune.baseline-window", "4s"),
                Map.entry("autopilot.tune.min-temp-bytes-per-second", "65536"),
                // the same database under trust observe: decisions are recorded as would_run, nothing runs
                Map.entry("autopilot.databases.watched.url",
                        "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target"),
                Map.entry("autopilot.databases.watched.username", "${dbautopilot.test.postgres.user}"),
                Map.entry("autopilot.databases.watched.password", "${dbautopilot.test.postgres.password}"),
                Map.entry("autopilot.databases.watched.trust", "observe"));
    }
}
