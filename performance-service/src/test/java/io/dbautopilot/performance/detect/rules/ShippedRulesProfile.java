package io.dbautopilot.performance.detect.rules;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The shipped rules file as it is (the test profile's rules are scaled for other tests): one profile class for every
 * test that needs it, so they share one application start instead of restarting it per test class.
 */
public class ShippedRulesProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("autopilot.detection.rules-file", "classpath:rules/default-rules.yaml");
    }
}
