package io.dbautopilot.automation.backup;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up validation of backup settings ({@link BackupSettings}, called by {@link BackupScheduler} on start)
 * on the real {@link BackupConfig} mapping built by SmallRye Config from properties, as Quarkus builds it.
 */
class BackupSettingsTest {

    private static BackupConfig.Database database(Map<String, String> properties) {
        // Quarkus' own converter for durations such as "5s" and "6h", as in the running service
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BackupConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return config.getConfigMapping(BackupConfig.class).databases().get("orders");
    }

    @Test
    void aBadCronInAnyScheduleFailsNamingTheSetting() {
        for (String kind : new String[] {"full", "differential", "incremental", "logical", "drill"}) {
            BackupConfig.Database db = database(Map.of("autopilot.backup.databases.orders.schedule-" + kind,
                    "0 0 25 ? * SUN"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BackupSettings.validate("orders", db, true));
            assertTrue(e.getMessage().startsWith("autopilot.backup.databases.orders.schedule-" + kind
                    + ": '0 0 25 ? * SUN' is not a cron expression"), e.getMessage());
        }
        BackupConfig.Database words = database(Map.of("autopilot.backup.databases.orders.schedule-full", "every night"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupSettings.validate("orders", words, true));
        assertTrue(e.getMessage().contains("schedule-full: 'every night'"), e.getMessage());
    }

    @Test
    void validSchedulesAreReturnedAndOtherBadSettingsNamed() {
        BackupConfig.Database db = database(Map.of("autopilot.backup.databases.orders.schedule-full", "0 0 1 ? * SUN",
                "autopilot.backup.databases.orders.schedule-drill", "0 30 2 * * ?"));
        assertEquals(Map.of("schedule-full", "0 0 1 ? * SUN", "schedule-drill", "0 30 2 * * ?"),
                BackupSettings.validate("orders", db, true));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackupSettings.validate("orders", db, false))
                .getMessage().contains("'orders' is not a managed database"));
        BackupConfig.Database engine = database(Map.of("autopilot.backup.databases.orders.engine", "tape"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackupSettings.validate("orders", engine, true))
                .getMessage().startsWith("autopilot.backup.databases.orders.engine: unknown engine 'tape'"));
        BackupConfig.Database retention = database(Map.of("autopilot.backup.databases.orders.retention-full", "0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackupSettings.validate("orders", retention, true))
                .getMessage().startsWith("autopilot.backup.databases.orders.retention-full must be at least 1"));
    }
}
