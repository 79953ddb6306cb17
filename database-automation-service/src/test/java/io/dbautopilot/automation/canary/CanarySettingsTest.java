package io.dbautopilot.automation.canary;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad canary setting stops the start naming the setting; the defaults pass. */
class CanarySettingsTest {

    private record Config(boolean enabled, Duration interval, Duration deadline, Duration checkInterval, String schema,
                          int rows) implements CanaryConfig {
    }

    private static final Config DEFAULTS = new Config(true, Duration.ofMinutes(15), Duration.ofMinutes(10),
            Duration.ofSeconds(10), "autopilot_canary", 20_000);

    @Test
    void theDefaultsPassAndEachBadValueIsNamed() {
        assertDoesNotThrow(() -> CanarySettings.validate(DEFAULTS));
        assertNamed("autopilot.canary.schema", new Config(true, DEFAULTS.interval(), DEFAULTS.deadline(),
                DEFAULTS.checkInterval(), "public; DROP TABLE x", 20_000));
        assertNamed("autopilot.canary.schema", new Config(true, DEFAULTS.interval(), DEFAULTS.deadline(),
                DEFAULTS.checkInterval(), "pg_canary", 20_000));
        assertNamed("autopilot.canary.schema", new Config(true, DEFAULTS.interval(), DEFAULTS.deadline(),
                DEFAULTS.checkInterval(), "Canary", 20_000));
        assertNamed("autopilot.canary.deadline", new Config(true, DEFAULTS.interval(), Duration.ZERO,
                DEFAULTS.checkInterval(), "autopilot_canary", 20_000));
        assertNamed("autopilot.canary.interval", new Config(true, Duration.ofSeconds(-1), DEFAULTS.deadline(),
                DEFAULTS.checkInterval(), "autopilot_canary", 20_000));
        assertNamed("autopilot.canary.rows", new Config(true, DEFAULTS.interval(), DEFAULTS.deadline(),
                DEFAULTS.checkInterval(), "autopilot_canary", 10_000));
    }

    @Test
    void tableNamesComeFromTheRunIdOnly() {
        String name = CanaryTable.tableOf(java.util.UUID.fromString("5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"));
        assertTrue(name.matches("canary_[0-9a-f]{12}"), name);
    }

    private static void assertNamed(String setting, Config config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanarySettings.validate(config));
        assertTrue(e.getMessage().startsWith(setting), e.getMessage());
    }
}
