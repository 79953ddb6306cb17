package io.dbautopilot.performance.collect.family;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SettingsFamilyTest {

    @Test
    void memoryBecomesBytesAndTimeSeconds() {
        assertEquals(new SettingsFamily.Converted(128 * 1024 * 1024, "_bytes"), SettingsFamily.convert(16384, "8kB"));
        assertEquals(new SettingsFamily.Converted(4 * 1024 * 1024, "_bytes"), SettingsFamily.convert(4096, "kB"));
        assertEquals(new SettingsFamily.Converted(1024L * 1024 * 1024, "_bytes"), SettingsFamily.convert(1024, "MB"));
        assertEquals(new SettingsFamily.Converted(300, "_seconds"), SettingsFamily.convert(300, "s"));
        assertEquals(new SettingsFamily.Converted(0.2, "_seconds"), SettingsFamily.convert(200, "ms"));
        assertEquals(new SettingsFamily.Converted(3600, "_seconds"), SettingsFamily.convert(60, "min"));
    }

    @Test
    void minusOneKeepsItsMeaningAndUnitlessStaysAsIs() {
        assertEquals(new SettingsFamily.Converted(-1, "_seconds"), SettingsFamily.convert(-1, "ms"));
        assertEquals(new SettingsFamily.Converted(100, ""), SettingsFamily.convert(100, ""));
    }
}
