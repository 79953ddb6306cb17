package io.dbautopilot.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The three access set-ups every service is tested in (the profiles restart the service with these settings). */
public final class AccessProfiles {

    private AccessProfiles() {
    }

    /** Viewer key {@code viewer-secret-7}, operator keys {@code operator-secret-7} and {@code operator-secret-8}. */
    public static class KeysConfigured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("autopilot.api.viewer-keys", "dashboard:viewer-secret-7",
                    "autopilot.api.operator-keys", "alice:operator-secret-7,bob:operator-secret-8",
                    "autopilot.api.open", "false");
        }
    }

    /** No key and the default {@code autopilot.api.open=false}: reads open, writes refused. */
    public static class NoKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("autopilot.api.viewer-keys", "", "autopilot.api.operator-keys", "", "autopilot.api.open", "false");
        }
    }

    /** No key and {@code autopilot.api.open=true}: anonymous callers may change things. */
    public static class Open implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("autopilot.api.viewer-keys", "", "autopilot.api.operator-keys", "", "autopilot.api.open", "true");
        }
    }
}
